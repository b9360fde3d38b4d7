package com.encours.hub.bench;

import com.encours.hub.core.broker.EmbeddedBrokerConfiguration;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The physical limit the hub is compared with: an embedded Artemis with the hub's own broker.xml journal
 * and address settings (durable, NIO journal, synced commits), moving messages of the hub's typical size
 * (~1.5 KB JSON) from queue A to queue B in transacted sessions — one receive + one send + one commit per
 * message, as the hub does per item and hop — with the hub's consumer count; and, for reference, the same
 * with one commit per 100 messages.
 */
class ArtemisRawBenchmark {

    static final int MESSAGES = Integer.getInteger("hub.bench.raw.messages", 10_000);
    static final int CONSUMERS = Integer.getInteger("hub.bench.raw.consumers", 2);
    /** ~1.5 KB, like a canonical open item on erp.items or a change on ledger.changes. */
    static final String BODY = typicalBody();

    private static EmbeddedActiveMQ broker;
    private static ActiveMQConnectionFactory factory;

    @BeforeAll
    static void startBroker() throws Exception {
        Path data = Path.of("target", "bench-data", "raw-" + UUID.randomUUID()).toAbsolutePath();
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setLargeMessagesDirectory(data.resolve("large").toString())
                .addAcceptorConfiguration("invm", "vm://77");
        EmbeddedBrokerConfiguration.applyDeclared(EmbeddedBrokerConfiguration.parse(new StandardEnvironment()), config);
        for (String name : List.of("bench.a", "bench.b", "bench.c", "bench.d")) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(name).addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfig(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST)));
        }
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        factory = new ActiveMQConnectionFactory("vm://77");
        System.out.printf("BENCH raw broker: journal %s, buffer timeout %d ns, datasync %s, sync transactional %s%n",
                config.getJournalType(), config.getJournalBufferTimeout_NIO(), config.isJournalDatasync(),
                config.isJournalSyncTransactional());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        factory.close();
        broker.stop();
    }

    @Test
    void transactedDurableAToB() throws Exception {
        // warm-up, not reported
        fill("bench.c", 2_000);
        move("bench.c", "bench.d", 2_000, CONSUMERS, 1);
        drain("bench.d", 2_000);

        long fillStart = System.nanoTime();
        fill("bench.a", MESSAGES);
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        BenchResults.put("raw_artemis_send_batched_msgs_per_s", MESSAGES / fillSeconds,
                "durable sends to one queue, one commit per 100 messages, 1 producer");

        double perMessage = move("bench.a", "bench.b", MESSAGES, CONSUMERS, 1);
        BenchResults.put("raw_artemis_msgs_per_s", perMessage, "durable ~1.5 KB messages A->B, receive+send+commit per message, "
                + CONSUMERS + " consumers (the hub's per-item hop)");
        double fourConsumers = move("bench.b", "bench.a", MESSAGES, 4, 1);
        BenchResults.put("raw_artemis_4_consumers_msgs_per_s", fourConsumers, "same, 4 consumers");
        double batched = move("bench.a", "bench.b", MESSAGES, CONSUMERS, 100);
        BenchResults.put("raw_artemis_batched_msgs_per_s", batched, "same A->B, one commit per 100 messages, "
                + CONSUMERS + " consumers (reference)");
        assertThat(drain("bench.b", MESSAGES)).isEqualTo(MESSAGES);
    }

    private static void fill(String queue, int count) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                Message message = session.createTextMessage(BODY);
                message.setStringProperty("hubMessageId", "raw-" + i);
                producer.send(message);
                if (i % 100 == 99) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    private static int drain(String queue, int expected) throws JMSException {
        int received = 0;
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (received < expected && consumer.receive(2_000) != null) {
                received++;
                if (received % 500 == 0) {
                    session.commit();
                }
            }
            session.commit();
        }
        return received;
    }

    /** Moves {@code count} messages from one queue to another; returns messages per second. */
    private static double move(String from, String to, int count, int consumers, int perCommit) throws Exception {
        AtomicInteger moved = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(consumers);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            done.add(threads.submit(() -> {
                try (Connection connection = factory.createConnection()) {
                    connection.start();
                    Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer consumer = session.createConsumer(session.createQueue(from));
                    MessageProducer producer = session.createProducer(session.createQueue(to));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    int inTransaction = 0;
                    while (moved.get() < count) {
                        Message in = consumer.receive(200);
                        if (in != null) {
                            Message out = session.createTextMessage(in.getBody(String.class));
                            out.setStringProperty("hubMessageId", in.getStringProperty("hubMessageId"));
                            producer.send(out);
                            moved.incrementAndGet();
                            inTransaction++;
                        }
                        if (inTransaction >= perCommit || (in == null && inTransaction > 0)) {
                            session.commit();
                            inTransaction = 0;
                        }
                    }
                    if (inTransaction > 0) {
                        session.commit();
                    }
                    consumer.close();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        assertThat(moved.get()).isEqualTo(count);
        return count / seconds;
    }

    private static String typicalBody() {
        String item = """
                {"itemKey":"bc-sandbox|CRONUS-BE|SI-%06d","debtorKey":"bc-sandbox|CRONUS-BE|C10010","revision":1,\
                "changes":["NEW"],"item":{"sourceSystem":"bc-sandbox","company":"CRONUS-BE","sourceItemKey":"SI-%06d",\
                "docType":"INVOICE","docNumber":"SI-%06d","debtorRef":"C10010","issueDate":"2026-11-02",\
                "dueDate":"2026-12-02","originalAmount":1512.50,"openAmount":1512.50,"currency":"EUR","status":"OPEN",\
                "dunningBlocked":false,"disputed":false,"sourceLastModified":"2026-11-02T09:14:27.113Z",\
                "version":"4f9c2a1b0d3e5f67"},"recordedAt":"2026-11-24T10:00:00Z","note":"%s"}""";
        String body = String.format(item, 1, 1, 1, "");
        return String.format(item, 1, 1, 1, "x".repeat(Math.max(0, 1500 - body.length())));
    }
}
