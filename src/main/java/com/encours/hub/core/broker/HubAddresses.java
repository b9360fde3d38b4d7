package com.encours.hub.core.broker;

import java.util.List;

/**
 * Names of the hub's addresses and queues as declared in {@code broker/broker.xml}, for Java code that
 * needs them (ops, tests). Routes name them directly in their endpoint URIs.
 */
public final class HubAddresses {

    public static final String ERP_ITEMS = "erp.items";
    public static final String LEDGER_CHANGES = "ledger.changes";
    /** Topic of the enriched events, one per message, for finance systems that subscribe on the broker. */
    public static final String FINANCE_OUT = "finance.out";
    /** Prefix of the topics of the debtor events, one per event type: finance.debtor.assessed, ... */
    public static final String FINANCE_TOPIC_PREFIX = "finance.";
    /** The same events in batches, for the hub's own webhook delivery. */
    public static final String FINANCE_WEBHOOKS = "finance.webhooks";
    /** Debtors whose debtor events are to be worked out again (after enrichment, monitoring, each day). */
    public static final String DEBTOR_REFRESH = "debtor.refresh";

    /** Credit limits and blocks to write back to the ERPs that take them. */
    public static final String ERP_WRITE_BACK = "erp.write-back";

    /** Addresses whose failed messages ops can see, retry or discard. */
    public static final List<String> FLOW_ADDRESSES = List.of(ERP_ITEMS, LEDGER_CHANGES, DEBTOR_REFRESH, FINANCE_WEBHOOKS,
            ERP_WRITE_BACK);

    /** Message properties the hub sets; JMS property names must be Java identifiers. */
    public static final String MESSAGE_ID = "hubMessageId";
    public static final String RECORD_TYPE = "hubRecordType";
    /** Number of canonical records in an erp.items message whose body is a JSON array of them. */
    public static final String RECORD_COUNT = "hubRecordCount";
    public static final String CONNECTOR_ID = "hubConnectorId";
    /** Type of a finance event in a finance.webhooks message that holds one debtor event (not item events). */
    public static final String EVENT_TYPE = "hubEventType";
    public static final String FAILURE_REASON = "hubFailureReason";
    public static final String ORIGIN_QUEUE = "hubOriginQueue";
    public static final String QUARANTINED_AT = "hubQuarantinedAt";
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** Epoch milliseconds before which the broker holds a message back. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    private HubAddresses() {
    }

    /** The topic of one finance event type, e.g. finance.limit.breached. */
    public static String financeTopic(String eventType) {
        return FINANCE_TOPIC_PREFIX + eventType;
    }

    public static String deadLetterQueue(String address) {
        return "DLQ." + address;
    }

    public static String quarantineQueue(String address) {
        return "invalid." + address;
    }

    /** Fully qualified queue name: sending to it reaches that one queue, not every queue of the address. */
    public static String fqqn(String address, String queue) {
        return address + "::" + queue;
    }
}
