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
     * @param messageId   stable id of this message (ops find it by this id; same on re-emission)
     * @param groupId     keeps messages of one debtor in order across concurrent consumers
     * @param duplicateId Artemis drops a second message with the same id on the same address
     */
    public static void prepareNextHop(Message message, String messageId, String groupId, String duplicateId) {
        message.removeHeaders("*");
        message.setHeader(HubAddresses.MESSAGE_ID, messageId);
        message.setHeader("JMSXGroupID", groupId);
        message.setHeader(HubAddresses.DUPLICATE_ID, duplicateId);
    }
}
