package com.encours.hub.erp;

/**
 * The total an extract of several streams announces for its progress: when a stream starts and the partner
 * says how many records it holds, the records the streams before it handed over plus that count.
 */
public final class StreamTotals {

    private final ErpSource.PageSink sink;
    private long before;

    public StreamTotals(ErpSource.PageSink sink) {
        this.sink = sink;
    }

    /** The stream starting holds this many records, as the partner counts them. */
    public void streamHolds(long records) {
        sink.expect(before + records);
    }

    /** The stream ended, having handed over this many records. */
    public void streamRead(long handedOver) {
        before += handedOver;
    }
}
