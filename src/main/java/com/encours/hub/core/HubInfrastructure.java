package com.encours.hub.core;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.jms.connection.JmsTransactionManager;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * The two transaction managers of the hub, declared side by side so neither is picked by accident:
 * the database one is the default (ledger writes); routes that consume or send JMS messages in one
 * broker transaction name {@code jmsTx} (Camel policy) or use the JMS component's transaction manager.
 */
@Configuration(proxyBeanMethods = false)
public class HubInfrastructure {

    @Bean
    @Primary
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    JmsTransactionManager jmsTransactionManager(ConnectionFactory connectionFactory) {
        return new JmsTransactionManager(connectionFactory);
    }

    @Bean
    SpringTransactionPolicy jmsTx(JmsTransactionManager jmsTransactionManager) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(jmsTransactionManager);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }

    /** Messages up to this size travel whole; larger ones are streamed as Artemis large messages. */
    static final int MIN_LARGE_MESSAGE_BYTES = 2 * 1024 * 1024;

    /**
     * The hub's consumers take one message at a time from the broker (consumerWindowSize 0), with no
     * client-side buffer. A message carries a whole batch, so prefetch buys nothing; and a message sitting
     * in the buffer of a hub that is killed comes back with its delivery count raised although it was never
     * tried: the reliability harness saw batches reach their DLQ after three hub kills without one failure.
     * <p>
     * A batch (200 ledger changes, a webhook group's enriched events) weighs 300–700 KB: above Artemis's
     * default 100 KB it became a large message, a file of its own on the broker, read back byte by byte by
     * the consumer (a profile of the throughput benchmark found it on top). Up to
     * {@value #MIN_LARGE_MESSAGE_BYTES} bytes a message goes in the journal (files of 10 MB, broker.xml).
     */
    @Bean
    static BeanPostProcessor brokerClientSettings() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                ConnectionFactory target = bean instanceof CachingConnectionFactory caching
                        ? caching.getTargetConnectionFactory() : bean instanceof ConnectionFactory plain ? plain : null;
                if (target instanceof ActiveMQConnectionFactory artemis) {
                    artemis.setConsumerWindowSize(0);
                    artemis.setMinLargeMessageSize(MIN_LARGE_MESSAGE_BYTES);
                }
                return bean;
            }
        };
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Amounts leave the hub as written (1E+3 would be legal JSON but a trap for finance systems). */
    @Bean
    Jackson2ObjectMapperBuilderCustomizer plainBigDecimals() {
        return builder -> builder.featuresToEnable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
