package com.encours.hub.reliability;

import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.support.StandaloneArtemis;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two assumptions of the spine about the broker, checked on the standalone Artemis with our broker.xml.
 * The redelivered-flag one failed until broker.xml persisted the delivery count before delivery: it
 * was the cause of the events lost in the harness's broker-kill scenario.
 */
class BrokerAssumptionsIT {

    /**
     * README: "Events of one debtor keep their order (JMSXGroupID)". A message that fails is rolled back;
     * broker.xml redelivers at once (the hub's consumer spent the backoff holding it, RedeliveryBackoff),
     * so it comes back before the next message of its group, whichever of several consumers asks. With a
     * broker-side redelivery delay the next message overtook it (scenario 3 of the harness: 69 to 520
     * events out of order during a webhook outage).
     */
    @Test
    void aRolledBackMessageOfAGroupComesBackBeforeTheNextOneWithSeveralConsumers() throws Exception {
        try (StandaloneArtemis broker = StandaloneArtemis.create("order").start();
             ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url(), broker.user(), broker.password());
             Connection connection = factory.createConnection()) {
            connection.start();
            Session producing = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = producing.createProducer(producing.createQueue(HubAddresses.ERP_ITEMS));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (String body : List.of("A1", "B1", "A2", "B2", "A3")) {
                TextMessage message = producing.createTextMessage(body);
                message.setStringProperty("JMSXGroupID", body.substring(0, 1));
                producer.send(message);
            }
            producing.commit();

            List<Session> sessions = List.of(connection.createSession(true, Session.SESSION_TRANSACTED),
                    connection.createSession(true, Session.SESSION_TRANSACTED));
            List<MessageConsumer> consumers = new ArrayList<>();
            for (Session session : sessions) {
                consumers.add(session.createConsumer(session.createQueue(HubAddresses.ERP_ITEMS)));
            }
            List<String> committed = new ArrayList<>();
            int failuresLeft = 2; // A1 fails twice before it succeeds
            for (int round = 0; round < 50 && committed.size() < 5; round++) {
                int i = round % 2;
                TextMessage message = (TextMessage) consumers.get(i).receive(200);
                if (message == null) {
                    continue;
                }
                if (message.getText().equals("A1") && failuresLeft-- > 0) {
                    sessions.get(i).rollback();
                } else {
                    committed.add(message.getText());
                    sessions.get(i).commit();
                }
            }
            assertThat(committed.stream().filter(body -> body.startsWith("A")))
                    .as("commit order of group A, its first message failing twice").containsExactly("A1", "A2", "A3");
            assertThat(committed).containsExactlyInAnyOrder("A1", "A2", "A3", "B1", "B2");
        }
    }

    /**
     * The ledger re-emits the change it recorded only when the input comes back flagged JMSRedelivered
     * (LedgerStep / Ledger.applyItem). After a kill -9 of the broker, a message that was delivered but not
     * acknowledged comes back unflagged: if the ledger had committed to the database before the broker
     * died, the change event is never emitted (persist-delivery-count-before-delivery is off).
     */
    @Test
    void aMessageInFlightWhenTheBrokerDiesComesBackFlaggedRedelivered() throws Exception {
        try (StandaloneArtemis broker = StandaloneArtemis.create("repro-redelivered").start()) {
            try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url(), broker.user(), broker.password());
                 Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(HubAddresses.ERP_ITEMS));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer.send(session.createTextMessage("item 1 version a"));
                session.commit();
                Message first = session.createConsumer(session.createQueue(HubAddresses.ERP_ITEMS)).receive(5_000);
                assertThat(first).isNotNull();
                assertThat(first.getJMSRedelivered()).isFalse();
                // the ledger commits its database transaction here; then the broker dies before the JMS commit
                broker.kill();
            } catch (Exception connectionLost) {
                // expected: the connection goes with the broker
            }
            broker.start();
            try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url(), broker.user(), broker.password());
                 Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                Message again = session.createConsumer(session.createQueue(HubAddresses.ERP_ITEMS)).receive(10_000);
                assertThat(again).as("message back after the broker restart").isNotNull();
                assertThat(((TextMessage) again).getText()).isEqualTo("item 1 version a");
                assertThat(again.getJMSRedelivered()).as("JMSRedelivered of the message in flight when the broker died "
                        + "(JMSXDeliveryCount " + again.getIntProperty("JMSXDeliveryCount") + ")").isTrue();
                session.commit();
            }
        }
    }
}
