package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ConnectorLease;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.broker.HubAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs one extract of an ERP connector: reads what changed since the last watermarks, hands each page
 * to the {@code erp-page} route (which maps it and puts it on {@code erp.items} in one broker
 * transaction), then saves the new watermarks. If anything fails, the watermarks stay where they were
 * and the next run reads the same records again; the ledger recognises the ones it already has.
 * With several hub instances, the one holding the connector's {@link ConnectorLease} extracts.
 */
@Service
public class ErpExtract {

    private static final Logger log = LoggerFactory.getLogger(ErpExtract.class);
    private static final Duration LEASE_GRACE = Duration.ofSeconds(30);
    private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

    private final ConnectorCatalog catalog;
    private final Map<String, ErpSource> sources;
    private final ConnectorState state;
    private final ProducerTemplate producer;
    private final MeterRegistry meters;
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
    private final ConnectorLease lease;
    private final Clock clock;
    private final Map<String, ExtractProgress.Counter> progress = new ConcurrentHashMap<>();

    public ErpExtract(ConnectorCatalog catalog, List<ErpSource> sources, ConnectorState state,
                      ConnectorLease lease, ProducerTemplate producer, MeterRegistry meters, Clock clock) {
        this.lease = lease;
        this.clock = clock;
        this.catalog = catalog;
        this.sources = sources.stream().collect(Collectors.toMap(ErpSource::protocol, Function.identity()));
        this.state = state;
        this.producer = producer;
        this.meters = meters;
        for (ConnectorInstance connector : catalog.enabledInstances("erp")) {
            if (!this.sources.containsKey(connector.protocol())) {
                throw new ConnectorConfigurationException(connector.descriptor().file(), "spec.protocol",
                        "no ERP implementation for protocol '" + connector.protocol() + "' (known: "
                                + this.sources.keySet() + ")");
            }
        }
    }

    /**
     * Extracts now, in the calling thread. Returns false, doing nothing, when an extract of the same
     * connector is already running here (the timer and an ops request can meet) or another hub instance
     * holds the connector's lease.
     */
    public boolean run(String connectorId) {
        ConnectorInstance connector = catalog.instance(connectorId);
        ReentrantLock lock = running.computeIfAbsent(connectorId, id -> new ReentrantLock());
        if (!lock.tryLock()) {
            log.info("{}: an extract is already running; this one is skipped", connectorId);
            return false;
        }
        // held across two missed ticks, so that the holder keeps it from one run to the next
        Duration leaseDuration = connector.schedule().multipliedBy(2).plus(LEASE_GRACE);
        try {
            if (!lease.acquire(connectorId, leaseDuration)) {
                log.debug("{}: another hub instance runs this connector's extracts", connectorId);
                return false;
            }
            ExtractProgress.Counter counter = new ExtractProgress.Counter(connectorId, clock.instant());
            progress.put(connectorId, counter);
            Map<String, String> marks = sources.get(connector.protocol()).extract(connector,
                    state.watermarks(connectorId), new ErpSource.PageSink() {
                        @Override
                        public void accept(ErpPage page) {
                            if (!lease.acquire(connectorId, leaseDuration)) {
                                throw new IllegalStateException("the lease of " + connectorId + " went to another hub "
                                        + "instance during the extract (a page took longer than " + leaseDuration + ")");
                            }
                            producer.sendBodyAndHeaders("direct:erp-page", page, Map.of(
                                    HubAddresses.CONNECTOR_ID, connectorId,
                                    HubAddresses.RECORD_TYPE, page.type().name()));
                            meters.counter("hub.connector.records", "connector", connectorId, "stream", page.stream())
                                    .increment(page.records().size());
                            counter.page(page.records().size());
                            logProgress(counter);
                        }

                        @Override
                        public void expect(long records) {
                            counter.expect(records);
                        }
                    });
            state.saveWatermarks(connectorId, marks);
            state.recordSuccess(connectorId);
            ExtractProgress done = counter.at(clock.instant());
            log.info("{}: extract done, {} records in {} pages in {} s", connectorId, done.records(), done.pages(),
                    Duration.between(done.startedAt(), clock.instant()).toSeconds());
            return true;
        } catch (RuntimeException e) {
            state.recordError(connectorId, e.getMessage());
            meters.counter("hub.connector.errors", "connector", connectorId).increment();
            throw e;
        } finally {
            progress.remove(connectorId);
            lock.unlock();
        }
    }

    /** The extract of this connector running in this hub instance now, if any. */
    public Optional<ExtractProgress> progress(String connectorId) {
        return Optional.ofNullable(progress.get(connectorId)).map(counter -> counter.at(clock.instant()));
    }

    /** A line every {@link #PROGRESS_LOG_INTERVAL} at most: a long extract says how far it is. */
    private void logProgress(ExtractProgress.Counter counter) {
        Instant now = clock.instant();
        if (!counter.logDue(now, PROGRESS_LOG_INTERVAL)) {
            return;
        }
        ExtractProgress at = counter.at(now);
        if (at.expectedRecords() == null) {
            log.info("{}: {} records in {} pages so far", at.connectorId(), at.records(), at.pages());
        } else {
            log.info("{}: {} of {} records ({} %) in {} pages, about {} s left", at.connectorId(), at.records(),
                    at.expectedRecords(), at.percent(), at.pages(), at.remaining() == null ? "?" : at.remaining().toSeconds());
        }
    }
}
