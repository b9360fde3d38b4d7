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
     * README: "Events of one debtor keep their order (JMSXGroupID)". A message of a group that is rolled
     * back (any failure: partner down, bureau 5xx) waits out the redelivery delay while the next messages
     * of the same group are delivered: the order of that debtor's events is lost.
     */
    @Test
    void aRolledBackMessageOfAGroupIsOvertakenByTheNextOne() throws Exception {
        try (StandaloneArtemis broker = StandaloneArtemis.create("repro-order").start();
             ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url(), broker.user(), broker.password());
             Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(HubAddresses.ERP_ITEMS));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (String body : List.of("debtor-A revision 1", "debtor-A revision 2")) {
                TextMessage message = session.createTextMessage(body);
                message.setStringProperty("JMSXGroupID", "debtor-A");
                producer.send(message);
            }
            session.commit();

            MessageConsumer consumer = session.createConsumer(session.createQueue(HubAddresses.ERP_ITEMS));
            List<String> received = new ArrayList<>();
            received.add(((TextMessage) consumer.receive(5_000)).getText());
            session.rollback(); // the step failed: the broker redelivers after its redelivery delay
            for (Message message; received.size() < 3 && (message = consumer.receive(5_000)) != null; ) {
                received.add(((TextMessage) message).getText());
                session.commit();
            }
            assertThat(received).as("receive order of one group after a rollback")
                    .containsExactly("debtor-A revision 1", "debtor-A revision 1", "debtor-A revision 2");
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
