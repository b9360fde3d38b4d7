package com.encours.hub.bench;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.erp.fec.FecFiles;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.encours.hub.erp.fec.FecFiles.invoice;
import static com.encours.hub.erp.fec.FecFiles.revenue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 1 000 000-line FEC file dropped in the inbox of a FEC connector, through the hub (bench profile:
 * this JVM at -Xmx512m): sales entries of three lines (customer 411 debit, revenue and VAT credits), so a
 * third of the lines are open items, over 1 000 debtors. Measured: the extract itself (two streaming reads
 * of the file, the ledger comparison, every page mapped and on erp.items), the time until the ledger holds
 * every item, and the peak heap. Then a second file with 1 % of the invoices gone (cleared as vanished).
 * The enrich route is stopped: downstream is measured by HubThroughputBenchmark.
 */
class FecMillionBenchmark extends HubIntegrationTest {

    static final int LINES = Integer.getInteger("hub.bench.fec.lines", 1_000_000);
    static final int DEBTORS = 1_000;
    static final String CONNECTOR = "fec-bench";
    static final Path DROP = Path.of("target", "bench-data", "fec-" + UUID.randomUUID()).toAbsolutePath();

    @Autowired ErpExtract extract;
    @Autowired CamelContext camel;
    @Autowired JdbcTemplate jdbc;
    @Autowired EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void fecConnector(DynamicPropertyRegistry registry) throws IOException {
        Files.createDirectories(DROP.resolve("inbox"));
        registry.add("spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", () -> "true");
        registry.add("hub.connectors." + CONNECTOR + ".descriptor", () -> "erp/fec");
        registry.add("hub.connectors." + CONNECTOR + ".schedule", () -> "1d");
        registry.add("hub.connectors." + CONNECTOR + ".properties.inbox", () -> DROP.resolve("inbox").toString());
        registry.add("hub.connectors." + CONNECTOR + ".properties.company", () -> "BENCH-FR");
        registry.add("hub.connectors." + CONNECTOR + ".properties.settleTime", () -> "PT0S");
    }

    @Test
    void millionLineFec() throws Exception {
        camel.getRouteController().stopRoute("enrich");
        long entries = generate("FEC-1.txt", 0);
        Run first = run(entries);
        BenchResults.put("fec_1m_lines", LINES, "lines of the generated FEC (" + entries + " open items, " + DEBTORS
                + " debtors, PostgreSQL, hub JVM -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m)");
        BenchResults.put("fec_1m_extract_s", first.extractSeconds, "extract: file read twice, compared with the ledger, every page mapped and on erp.items");
        BenchResults.put("fec_1m_lines_per_s", LINES / first.extractSeconds, "file lines per second through the extract");
        BenchResults.put("fec_1m_ledger_s", first.ledgerSeconds, "from the drop until the ledger holds every open item");
        BenchResults.put("fec_1m_peak_heap_mb", first.peakHeapMb, "peak used heap during the first file (sampled every 100 ms)");

        long kept = generate("FEC-2.txt", 100);
        Run second = run(kept);
        long cleared = count("select count(*) from open_item where source_system = '" + CONNECTOR + "' and status = 'CLEARED'");
        BenchResults.put("fec_1m_snapshot_1pct_vanished_s", second.ledgerSeconds, "second file, 1 % of the invoices gone: until the ledger has cleared them");
        BenchResults.put("fec_1m_snapshot_cleared", cleared, "items cleared as vanished by the second file (expected " + (entries - kept) + ")");
        BenchResults.put("fec_1m_peak_heap_mb_second", second.peakHeapMb, "peak used heap during the second file");
        assertThat(cleared).isEqualTo(entries - kept);
    }

    private record Run(double extractSeconds, double ledgerSeconds, long peakHeapMb) {
    }

    private Run run(long openItems) throws InterruptedException {
        ExtractMillionBenchmark.HeapSampler heap = new ExtractMillionBenchmark.HeapSampler();
        heap.start();
        Instant started = Instant.now();
        assertThat(extract.run(CONNECTOR)).isTrue();
        double extractSeconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        HubQueues queues = new HubQueues(broker);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> queues.pending("erp.items") == 0 && count("select count(*) from open_item where source_system = '"
                        + CONNECTOR + "' and status = 'OPEN'") == openItems);
        double ledgerSeconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        heap.interrupt();
        heap.join();
        return new Run(extractSeconds, ledgerSeconds, heap.peak / (1024 * 1024));
    }

    /**
     * Writes the FEC, streaming: three lines per sales entry, up to {@link #LINES}. With {@code dropEvery} > 0
     * every n-th entry is left out (paid since the last file). Returns the number of open items written.
     */
    private static long generate(String name, int dropEvery) throws IOException {
        Path file = DROP.resolve(name);
        long written = 0;
        long openItems = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            out.write(FecFiles.file(List.of()));
            for (int n = 1; written < LINES; n++) {
                String entry = String.format("VE%08d", n);
                long cents = 20_000 + (n * 7919L) % 2_000_000;
                String total = (cents / 100) + "," + String.format("%02d", cents % 100);
                boolean gone = dropEvery > 0 && n % dropEvery == 0;
                for (FecFiles.Line line : List.of(invoice(entry, String.format("C%05d", n % DEBTORS), total),
                        revenue(entry, total), revenue(entry, total).set("CompteNum", "445710"))) {
                    if (written == LINES) {
                        break;
                    }
                    written++;
                    if (!gone) {
                        out.write(line.render("|"));
                        out.write('\n');
                    }
                }
                if (!gone) {
                    openItems++;
                }
            }
        }
        Files.move(file, DROP.resolve("inbox").resolve(name));
        return openItems;
    }

    private long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }
}
