package com.encours.hub.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an IT team configures under {@code hub.*}. Connector instances live under
 * {@code hub.connectors.<id>}; their properties are checked against the connector's descriptor.
 */
@ConfigurationProperties(prefix = "hub")
public class HubProperties {

    /**
     * Directory holding routes/, connectors/ and mappings/ (the repository root, or the install dir).
     * Kept as text: Spring's Path conversion would resolve "." against the web server's temp folder.
     */
    private String home = ".";
    private final Map<String, ConnectorInstanceProperties> connectors = new LinkedHashMap<>();
    private final Bureau bureau = new Bureau();
    private final Finance finance = new Finance();
    private final Security security = new Security();

    public Path getHome() {
        return Path.of(home).toAbsolutePath().normalize();
    }

    public void setHome(String home) {
        this.home = home;
    }

    public Map<String, ConnectorInstanceProperties> getConnectors() {
        return connectors;
    }

    public Bureau getBureau() {
        return bureau;
    }

    public Finance getFinance() {
        return finance;
    }

    public Security getSecurity() {
        return security;
    }

    /** One configured connector: which descriptor, whether and how often it runs, its properties. */
    public static class ConnectorInstanceProperties {
        /** Descriptor path under connectors/, without .yaml, e.g. {@code erp/business-central}. */
        private String descriptor;
        private boolean enabled = true;
        /** Pause between two extracts of a pulling connector. */
        private Duration schedule = Duration.ofMinutes(5);
        private final Map<String, String> properties = new LinkedHashMap<>();

        public String getDescriptor() {
            return descriptor;
        }

        public void setDescriptor(String descriptor) {
            this.descriptor = descriptor;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getSchedule() {
            return schedule;
        }

        public void setSchedule(Duration schedule) {
            this.schedule = schedule;
        }

        public Map<String, String> getProperties() {
            return properties;
        }
    }

    public static class Bureau {
        /** Connector id of the bureau that scores debtors; with {@link #byCountry}, of those of other countries. */
        private String connector;
        /** Connector id of the bureau that scores the debtors of a country (ISO 3166 alpha-2 key), e.g. US: dnb-main. */
        private final Map<String, String> byCountry = new LinkedHashMap<>();
        /** An assessment older than this is fetched again when the debtor's items change. */
        private Duration assessmentTtl = Duration.ofDays(30);

        public String getConnector() {
            return connector;
        }

        public void setConnector(String connector) {
            this.connector = connector;
        }

        public Map<String, String> getByCountry() {
            return byCountry;
        }

        public Duration getAssessmentTtl() {
            return assessmentTtl;
        }

        public void setAssessmentTtl(Duration assessmentTtl) {
            this.assessmentTtl = assessmentTtl;
        }
    }

    public static class Finance {
        private final List<Webhook> webhooks = new ArrayList<>();

        public List<Webhook> getWebhooks() {
            return webhooks;
        }
    }

    /** A finance system that receives enriched events by HTTP POST, signed with HMAC-SHA256. */
    public static class Webhook {
        private String name;
        private String url;
        private String secret;
        /** Item events per POST: 1 posts each event alone; more posts a JSON array of up to that many. */
        private int batchSize = 1;

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        @Override
        public String toString() {
            return "Webhook[" + name + " -> " + url + "]";
        }
    }

    public static class Security {
        private final List<User> users = new ArrayList<>();

        public List<User> getUsers() {
            return users;
        }
    }

    public static class User {
        private String name;
        private String password;
        private List<String> roles = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getRoles() {
            return roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }

        @Override
        public String toString() {
            return "User[" + name + " " + roles + "]";
        }
    }
}
