package com.encours.hub.erp;

import com.encours.hub.config.ConnectorInstance;

import java.util.Map;

/**
 * Reads what changed in one kind of ERP. One implementation per protocol (the descriptor's
 * {@code spec.protocol}); it speaks the partner's transport, auth and paging and hands over raw partner
 * records, which the hub maps with the connector's mappings. It never maps nor validates itself.
 */
public interface ErpSource {

    /** The {@code spec.protocol} value of the descriptors this source implements. */
    String protocol();

    /**
     * Reads every record changed since the given watermarks and hands each page to {@code sink}, in
     * order: debtors before the open items that refer to them.
     *
     * @param watermarks per stream (e.g. {@code customers}), as returned by the previous extract; empty
     *                   on the first run, which reads everything
     * @return the watermarks to persist once every page has been handed over
     * @throws com.encours.hub.core.partner.PartnerException when the ERP cannot be read; nothing is
     *                                                       persisted and the next run starts over
     */
    Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink);

    /** Receives the records of one page; returns only when they are safely on the broker. */
    @FunctionalInterface
    interface PageSink {
        void accept(ErpPage page);

        /**
         * How many records this extract will hand over in all, when the partner says (a file's line
         * count, an API's total count): the extract's progress then shows a percentage and time left.
         */
        default void expect(long records) {
        }
    }
}
