package com.encours.hub.ops;

import com.encours.hub.core.broker.HubAddresses;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A message ops can act on, as it sits in a dead-letter queue or a quarantine, with why it failed.
 *
 * @param id          the hub message id
 * @param queue       where it sits now
 * @param originQueue the queue whose consumer failed on it, where a retry puts it back
 * @param headers     the hub's own message properties
 * @param bodyPreview the first {@value FailedMessages#PREVIEW_CHARS} characters, in listings
 * @param body        the whole body, for one message
 */
public record FailedMessage(String id, Kind kind, String address, String queue, String originQueue, String reason,
                            Integer attempts, Instant firstFailureAt, Instant lastFailureAt,
                            Map<String, Object> headers, String bodyPreview, String body) {

    /** Dead letters failed every delivery attempt; quarantined messages were refused as invalid at once. */
    public enum Kind {
        DLQ, QUARANTINE;

        public String queue(String address) {
            return this == DLQ ? HubAddresses.deadLetterQueue(address)
                    : HubAddresses.quarantineQueue(address);
        }

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String code) {
            for (Kind kind : values()) {
                if (kind.code().equals(code)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("kind must be dlq or quarantine, was '" + code + "'");
        }
    }
}
