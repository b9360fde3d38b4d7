package com.encours.hub.core.broker;

import org.apache.camel.Message;

/**
 * Sets the properties of a message the hub sends on to the next address. Everything the input carried
 * is dropped first: headers of the consumed message (its duplicate id, reply-to, anything a sender
 * outside the hub put there, Camel* included) must never leak into the next hop.
 */
public final class HubMessages {

    private HubMessages() {
    }

    /**
     * No broker duplicate id ({@code _AMQ_DUPL_ID}) is set: the hub sends in transactions, and Artemis
     * rejects a whole transaction that holds a duplicate, which would turn an expected re-read or
     * re-emission into a rollback loop. Repeats are absorbed by content instead: the ledger compares
     * versions, events carry stable ids, deliveries to partners are recorded per id.
     *
     * @param messageId stable id of this message (ops find it by this id; same on re-emission)
     * @param groupId   keeps messages of one debtor in order across concurrent consumers
     */
    public static void prepareNextHop(Message message, String messageId, String groupId) {
        message.removeHeaders("*");
        message.setHeader(HubAddresses.MESSAGE_ID, messageId);
        message.setHeader("JMSXGroupID", groupId);
    }

    /**
     * The ledger group of a debtor: every record and change of one debtor goes to the same group, whose
     * messages the broker hands to one consumer at a time, in order (JMSXGroupID).
     */
    public static String ledgerGroup(String debtorKey, int groups) {
        return "ledger-" + Math.floorMod(debtorKey.hashCode(), Math.max(1, groups));
    }

    /** The webhook group of a debtor: as {@link #ledgerGroup}, for the finance.webhooks flow. */
    public static String webhookGroup(String debtorKey, int groups) {
        return "webhooks-" + Math.floorMod(debtorKey.hashCode(), Math.max(1, groups));
    }
}
