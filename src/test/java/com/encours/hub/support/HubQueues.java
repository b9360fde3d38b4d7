package com.encours.hub.support;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Looks into the embedded broker's queues, to know when the flows have nothing left in flight. */
public final class HubQueues {

    /**
     * The queues a record passes through between the extract and the finance webhook (or back to the ERP); a debtor refresh waits
     * its settle time on debtor.refresh as a scheduled message, which the queue counts.
     */
    public static final List<String> FLOW_QUEUES = List.of("erp.items", "ledger.changes.enrich", "debtor.refresh",
            "finance.webhooks", "erp.write-back");

    private final EmbeddedActiveMQ broker;

    public HubQueues(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    /** Messages waiting, scheduled for redelivery or being processed on that queue. */
    public long pending(String queueName) {
        Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(queueName));
        return queue.getMessageCount() + queue.getDeliveringCount();
    }

    /** Waits until no flow queue holds anything, and stays so: every event that can come has come. */
    public void awaitQuiet(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .during(Duration.ofMillis(600))
                .until(() -> FLOW_QUEUES.stream().mapToLong(this::pending).sum() == 0);
    }
}
