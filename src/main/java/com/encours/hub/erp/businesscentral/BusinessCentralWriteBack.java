package com.encours.hub.erp.businesscentral;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.erp.ErpRequests;
import com.encours.hub.erp.ErpWriteBack;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes a customer's {@code creditLimit} or {@code blocked} through the Business Central API v2.0: the customer is
 * read by its number, then patched with the {@code @odata.etag} it was read with ({@code If-Match}), so that a
 * change someone made in between is never overwritten blindly: Business Central answers 409 (or 412), the
 * customer is read again and the change decided again, once.
 */
@Component
public class BusinessCentralWriteBack implements ErpWriteBack {

    /** Business Central's values of a customer's blocked field, besides blank. */
    static final List<String> BLOCKED_VALUES = List.of("Ship", "Invoice", "All");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(BusinessCentralWriteBack.class);

    private final BusinessCentralSource api;
    private final PartnerHttp http;
    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    public BusinessCentralWriteBack(BusinessCentralSource api, PartnerHttp http) {
        this.api = api;
        this.http = http;
    }

    @Override
    public String protocol() {
        return BusinessCentralSource.PROTOCOL;
    }

    @Override
    public boolean setCreditLimit(ConnectorInstance connector, String customerNumber, BigDecimal limit) {
        return update(connector, customerNumber, customer ->
                customer.path("creditLimit").decimalValue().compareTo(limit) == 0 ? null
                        : json.createObjectNode().put("creditLimit", limit));
    }

    @Override
    public boolean block(ConnectorInstance connector, String customerNumber) {
        String blocked = connector.property("writeBackBlocked");
        if (!BLOCKED_VALUES.contains(blocked)) {
            throw new PartnerException(connector.id(), 0, false, "writeBackBlocked must be one of " + BLOCKED_VALUES
                    + ", is '" + blocked + "'", null);
        }
        return update(connector, customerNumber, customer ->
                customer.path("blocked").asText("").isBlank() ? json.createObjectNode().put("blocked", blocked) : null);
    }

    /**
     * @param change what to patch, given the customer as read; null when it has that already
     * @return whether anything was patched
     */
    private boolean update(ConnectorInstance connector, String customerNumber, Function<JsonNode, ObjectNode> change) {
        for (int attempt = 1; ; attempt++) {
            JsonNode customer = find(connector, customerNumber);
            ObjectNode patch = change.apply(customer);
            if (patch == null) {
                return false;
            }
            try {
                patch(connector, customer, patch);
                return true;
            } catch (PartnerException e) {
                boolean changedMeanwhile = e.status() == 409 || e.status() == 412;
                if (!changedMeanwhile || attempt > 1) {
                    throw e;
                }
                log.info("{}: customer {} changed while it was written; reading it again", connector.id(), customerNumber);
            }
        }
    }

    private JsonNode find(ConnectorInstance connector, String customerNumber) {
        String filter = "number eq '" + customerNumber.replace("'", "''") + "'";
        String url = BusinessCentralSource.collectionUrl(connector, BusinessCentralSource.CUSTOMERS)
                + "?$filter=" + ErpRequests.encode(filter) + "&$select=" + ErpRequests.encode("id,number,creditLimit,blocked");
        String body = api.withToken(connector, token -> http.send(connector.id(),
                BusinessCentralSource.retryPolicy(connector), () -> HttpRequest.newBuilder(URI.create(url))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json")
                        .GET().build())).body();
        JsonNode customers = read(connector, body).path("value");
        if (customers.size() != 1 || customers.get(0).path("id").asText("").isEmpty()
                || customers.get(0).path("@odata.etag").asText("").isEmpty()) {
            throw new PartnerException(connector.id(), 200, false, "customers answered " + customers.size()
                    + " customer(s) numbered " + customerNumber + " with an id and an etag, 1 expected", null);
        }
        return customers.get(0);
    }

    private void patch(ConnectorInstance connector, JsonNode customer, ObjectNode patch) {
        String url = BusinessCentralSource.collectionUrl(connector, BusinessCentralSource.CUSTOMERS)
                + "(" + customer.get("id").asText() + ")";
        String body = patch.toString();
        api.withToken(connector, token -> http.send(connector.id(), BusinessCentralSource.retryPolicy(connector),
                () -> HttpRequest.newBuilder(URI.create(url))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("If-Match", customer.get("@odata.etag").asText())
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build()));
    }

    private JsonNode read(ConnectorInstance connector, String body) {
        try {
            return Optional.ofNullable(body == null ? null : json.readTree(body)).orElseGet(json::createObjectNode);
        } catch (JsonProcessingException e) {
            throw new PartnerException(connector.id(), 200, false, "customers answered a body that is not JSON", e);
        }
    }
}
