package com.encours.hub.core.broker;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives the embedded broker of the default run the same addresses, dead-letter queues, quarantines,
 * redelivery policy and journal settings as the standalone broker, by reading {@code broker/broker.xml}.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "embedded")
public class EmbeddedBrokerConfiguration {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    @Bean
    ArtemisConfigurationCustomizer hubTopology(Environment environment) {
        Configuration declared = parse(environment);
        return embedded -> applyDeclared(declared, embedded);
    }

    /** Copies addresses, address settings and journal settings of broker.xml onto an embedded broker's configuration. */
    public static void applyDeclared(Configuration declared, Configuration embedded) {
            declared.getAddressConfigurations().forEach(embedded::addAddressConfiguration);
            declared.getAddressSettings().forEach(embedded::addAddressSetting);
            embedded.setJournalType(declared.getJournalType())
                    .setJournalDatasync(declared.isJournalDatasync())
                    .setJournalSyncTransactional(declared.isJournalSyncTransactional())
                    .setJournalSyncNonTransactional(declared.isJournalSyncNonTransactional())
                    .setJournalBufferTimeout_NIO(declared.getJournalBufferTimeout_NIO())
                    .setJournalBufferTimeout_AIO(declared.getJournalBufferTimeout_AIO())
                    .setJournalFileSize(declared.getJournalFileSize())
                    .setJournalMinFiles(declared.getJournalMinFiles())
                    .setJournalPoolFiles(declared.getJournalPoolFiles())
                    .setIDCacheSize(declared.getIDCacheSize())
                    .setPersistIDCache(declared.isPersistIDCache())
                    .setPersistDeliveryCountBeforeDelivery(declared.isPersistDeliveryCountBeforeDelivery());
            if (declared.getGlobalMaxSize() > 0) {
                embedded.setGlobalMaxSize(declared.getGlobalMaxSize());
            }
    }

    /** broker/broker.xml with its placeholders resolved from the environment. */
    public static Configuration parse(Environment environment) {
        try (InputStream in = new ClassPathResource("broker/broker.xml").getInputStream()) {
            String xml = resolvePlaceholders(new String(in.readAllBytes(), StandardCharsets.UTF_8), environment);
            return new FileConfigurationParser().parseMainConfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("broker/broker.xml is missing from the classpath", e);
        } catch (Exception e) {
            throw new IllegalStateException("broker/broker.xml is not a valid broker configuration: " + e.getMessage(), e);
        }
    }

    private static String resolvePlaceholders(String xml, Environment environment) {
        Matcher matcher = PLACEHOLDER.matcher(xml);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String value = environment.getProperty(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2));
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(resolved).toString();
    }
}
