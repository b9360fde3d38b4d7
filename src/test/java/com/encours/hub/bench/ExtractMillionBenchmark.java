package com.encours.hub.bench;

import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 1 000 000-row ERP extract through the hub's own spine, in this JVM capped at -Xmx512m (bench
 * profile): pages of 1000 raw Business Central salesInvoices records (generated on the fly, same shape
 * as the simulator's; no HTTP, which would measure the simulator) go to the {@code erp-page} route as
 * {@link com.encours.hub.erp.ErpExtract} hands them over: JSONata mapping, validation, erp.items,
 * ledger upsert and diff on PostgreSQL, one change event per changed row on ledger.changes (carried in batches). "Ingested
 * and diffed" = every row in the ledger and every change event on ledger.changes; the enrich route is
 * stopped and a plain consumer counts the events on its queue (downstream is measured by
 * {@link HubThroughputBenchmark}). Then the same extract unchanged (0 events), then with 1 % changed.
 */
class ExtractMillionBenchmark extends HubIntegrationTest {

    static final int ROWS = Integer.getInteger("hub.bench.extract.rows", 1_000_000);
    static final int DEBTORS = Integer.getInteger("hub.bench.extract.debtors", 1_000);
    static final int PAGE = 1_000;
    static final String CONNECTOR = "bc-sandbox";

    @Autowired ProducerTemplate producer;
    @Autowired CamelContext camel;
    @Autowired ConnectionFactory connectionFactory;
    @Autowired JdbcTemplate jdbc;
    @Autowired EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void postgresBatches(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", () -> "true");
    }

    @Test
    void millionRowExtract() throws Exception {
        camel.getRouteController().stopRoute("enrich");
        AtomicLong events = new AtomicLong();
        SandboxPortfolio companies = new SandboxPortfolio(DEBTORS, 1, 7L);
        LocalDate today = LocalDate.now();
        try (Connection connection = connectionFactory.createConnection()) {
            Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            MessageConsumer counter = session.createConsumer(session.createQueue(
                    HubAddresses.fqqn(HubAddresses.LEDGER_CHANGES, "ledger.changes.enrich")));
            // a message holds the changes of one ledger batch
            counter.setMessageListener(message -> events.addAndGet(changesIn(message)));
            connection.start();

            sendDebtors(companies);
            Run first = run(companies, today, -1, events, ROWS);
            assertThat(count("select count(*) from open_item")).isEqualTo(ROWS);
            BenchResults.put("extract_1m_rows", ROWS, "rows of the generated extract (" + DEBTORS + " debtors, pages of " + PAGE
                    + ", PostgreSQL, hub JVM -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m)");
            BenchResults.put("extract_1m_first_run_s", first.seconds, "first extract: every row mapped, upserted and its change event on ledger.changes");
            BenchResults.put("extract_1m_rows_per_s", ROWS / first.seconds, "first extract rows per second");
            BenchResults.put("extract_1m_peak_heap_mb", first.peakHeapMb, "peak used heap during the first extract (sampled every 100 ms)");
            BenchResults.put("extract_1m_first_run_events", first.events, "change events of the first extract (= rows)");

            Run unchanged = run(companies, today, -1, events, 0);
            BenchResults.put("extract_1m_unchanged_s", unchanged.seconds, "same extract again, nothing changed");
            BenchResults.put("extract_1m_unchanged_events", unchanged.events, "change events of the unchanged extract (expected 0)");
            assertThat(unchanged.events).isZero();

            int changed = ROWS / 100;
            Run onePercent = run(companies, today, 100, events, changed);
            BenchResults.put("extract_1m_1pct_changed_s", onePercent.seconds, "same extract with 1 % of the rows changed (due date)");
            BenchResults.put("extract_1m_1pct_changed_events", onePercent.events, "change events of that extract (expected " + changed + ")");
            BenchResults.put("extract_1m_peak_heap_mb_all_runs", onePercent.peakHeapMb, "peak used heap of the 1 % run");
            assertThat(onePercent.events).isEqualTo(changed);
            assertThat(count("select count(*) from open_item where revision = 2")).isEqualTo(changed);
        }
    }

    private static int changesIn(Message message) {
        try {
            return message.propertyExists(HubAddresses.RECORD_COUNT) ? message.getIntProperty(HubAddresses.RECORD_COUNT) : 1;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Run(double seconds, long events, long peakHeapMb) {
    }

    /** One extract of every row; {@code changeEvery} > 0 moves the due date of every n-th row. */
    private Run run(SandboxPortfolio companies, LocalDate today, int changeEvery, AtomicLong events, long expected)
            throws InterruptedException {
        long before = events.get();
        HeapSampler heap = new HeapSampler();
        heap.start();
        Instant started = Instant.now();
        List<String> page = new ArrayList<>(PAGE);
        for (int i = 0; i < ROWS; i++) {
            page.add(invoice(i, companies, today, changeEvery > 0 && i % changeEvery == 7));
            if (page.size() == PAGE) {
                send(new ErpPage("salesInvoices", ErpPage.RecordType.OPEN_ITEM, page));
                page = new ArrayList<>(PAGE);
            }
        }
        if (!page.isEmpty()) {
            send(new ErpPage("salesInvoices", ErpPage.RecordType.OPEN_ITEM, page));
        }
        HubQueues queues = new HubQueues(broker);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> queues.pending("erp.items") == 0 && events.get() - before >= expected);
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        heap.interrupt();
        heap.join();
        // a surplus event would be a late one: the count must hold still for a second before it is reported
        long settled = events.get();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> events.get() == settled);
        return new Run(seconds, events.get() - before, heap.peak / (1024 * 1024));
    }

    private void sendDebtors(SandboxPortfolio companies) {
        List<String> records = new ArrayList<>();
        for (SandboxPortfolio.Company c : companies.companies()) {
            records.add("{\"id\":\"" + c.id() + "\",\"number\":\"" + c.number() + "\",\"displayName\":\"" + c.name()
                    + "\",\"type\":\"Company\",\"addressLine1\":\"Kerkstraat 12\",\"addressLine2\":\"\",\"city\":\"Gent\","
                    + "\"state\":\"\",\"country\":\"" + c.country() + "\",\"postalCode\":\"9000\",\"phoneNumber\":\"+32 9 123 45 67\","
                    + "\"email\":\"ap@example.com\",\"website\":\"\",\"balanceDue\":0,\"creditLimit\":" + c.internalLimit()
                    + ",\"taxLiable\":true,\"taxRegistrationNumber\":\"" + c.vat() + "\",\"currencyCode\":\"EUR\","
                    + "\"blocked\":\" \",\"lastModifiedDateTime\":\"2026-06-01T08:30:12.47Z\"}");
        }
        send(new ErpPage("customers", ErpPage.RecordType.DEBTOR, records));
        HubQueues queues = new HubQueues(broker);
        await().atMost(Duration.ofMinutes(2)).until(() -> queues.pending("erp.items") == 0);
    }

    private void send(ErpPage page) {
        producer.sendBodyAndHeaders("direct:erp-page", page, Map.of(HubAddresses.CONNECTOR_ID, CONNECTOR,
                HubAddresses.RECORD_TYPE, page.type().name()));
    }

    /** A posted Business Central sales invoice, as the simulator writes them. */
    static String invoice(int n, SandboxPortfolio companies, LocalDate today, boolean changed) {
        SandboxPortfolio.Company c = companies.companies().get(n % companies.companies().size());
        LocalDate invoiceDate = today.minusDays(n % 150);
        LocalDate due = invoiceDate.plusDays(changed ? 31 : 30);
        long cents = 20_000 + (n * 7919L) % 2_000_000;
        String total = (cents / 100) + "." + String.format("%02d", cents % 100);
        String remaining = n % 5 == 0 ? "0" : total;
        String number = "SI-" + (1_000_000 + n);
        return new StringBuilder(1_400).append("{\"@odata.etag\":\"W/\\\"JzE5OzEyMzQ1\\\"\",\"id\":\"inv-").append(n)
                .append("\",\"number\":\"").append(number).append("\",\"externalDocumentNumber\":\"\",\"invoiceDate\":\"")
                .append(invoiceDate).append("\",\"postingDate\":\"").append(invoiceDate).append("\",\"dueDate\":\"").append(due)
                .append("\",\"customerPurchaseOrderReference\":\"\",\"customerId\":\"").append(c.id())
                .append("\",\"customerNumber\":\"").append(c.number()).append("\",\"customerName\":\"").append(c.name())
                .append("\",\"billToName\":\"").append(c.name()).append("\",\"billToCustomerId\":\"").append(c.id())
                .append("\",\"billToCustomerNumber\":\"").append(c.number()).append("\",\"shipToName\":\"").append(c.name())
                .append("\",\"shipToContact\":\"\",\"sellToAddressLine1\":\"Kerkstraat 12\",\"sellToCity\":\"Gent\",")
                .append("\"sellToCountry\":\"").append(c.country()).append("\",\"sellToPostCode\":\"9000\",")
                .append("\"billToAddressLine1\":\"Kerkstraat 12\",\"billToCity\":\"Gent\",\"billToCountry\":\"").append(c.country())
                .append("\",\"billToPostCode\":\"9000\",\"currencyId\":\"00000000-0000-0000-0000-000000000000\",")
                .append("\"currencyCode\":\"EUR\",\"paymentTermsId\":\"3bb5b4b6-ea4c-43ca-ba1c-3b69e29a6668\",")
                .append("\"pricesIncludeTax\":false,\"remainingAmount\":").append(remaining)
                .append(",\"discountAmount\":0,\"totalAmountIncludingTax\":").append(total)
                .append(",\"status\":\"").append(remaining.equals("0") ? "Paid" : "Open")
                .append("\",\"lastModifiedDateTime\":\"2026-11-02T09:14:27.113Z\",\"phoneNumber\":\"\",\"email\":\"ap@example.com\"}")
                .toString();
    }

    private long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    /** Peak used heap, sampled. */
    static final class HeapSampler extends Thread {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        volatile long peak;

        HeapSampler() {
            super("heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
