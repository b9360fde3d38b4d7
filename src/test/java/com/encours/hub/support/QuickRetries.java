package com.encours.hub.support;

import com.encours.hub.config.ConnectorDescriptor;

import java.time.Duration;

/** A real descriptor with millisecond backoffs, so that a contract test exhausts its retries in no time. */
public final class QuickRetries {

    private QuickRetries() {
    }

    public static ConnectorDescriptor of(ConnectorDescriptor descriptor) {
        ConnectorDescriptor.Spec spec = descriptor.spec();
        return new ConnectorDescriptor(descriptor.apiVersion(), descriptor.kind(), descriptor.metadata(),
                new ConnectorDescriptor.Spec(spec.protocol(), spec.transport(), spec.auth(), spec.paging(),
                        spec.rateLimit(), new ConnectorDescriptor.Retry(spec.retry().maxAttempts(), Duration.ofMillis(5),
                        Duration.ofMillis(10), null), spec.mappings(), spec.definition()));
    }
}
