package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.model.OpenItemVersion;
import com.encours.hub.core.CanonicalJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one raw ERP record into a canonical Debtor or OpenItem, ready for {@code erp.items}: mapped with
 * the connector's JSONata mapping, validated, versioned. A record that cannot be mapped or is invalid
 * raises {@link InvalidMessageException} with a reason an ops user can act on.
 */
@Component
public class ErpRecordMapper {

    static final int MAX_RECORD_CHARS = 256 * 1024;

    private final ConnectorCatalog catalog;
    private final JsonataMapper mapper;
    private final Validator validator;
    private final CanonicalJson json;

    public ErpRecordMapper(ConnectorCatalog catalog, JsonataMapper mapper, Validator validator, CanonicalJson json) {
        this.catalog = catalog;
        this.mapper = mapper;
        this.validator = validator;
        this.json = json;
    }

    /** Body in: the raw record; headers hubConnectorId and hubRecordType. Body out: canonical JSON. */
    public void toCanonical(Exchange exchange) {
        Message message = exchange.getMessage();
        String connectorId = message.getHeader(HubAddresses.CONNECTOR_ID, String.class);
        ErpPage.RecordType type = ErpPage.RecordType.valueOf(message.getHeader(HubAddresses.RECORD_TYPE, String.class));
        String raw = message.getBody(String.class);
        if (raw == null || raw.length() > MAX_RECORD_CHARS) {
            throw new InvalidMessageException("ERP record is empty or larger than " + MAX_RECORD_CHARS + " characters");
        }
        ConnectorInstance connector = catalog.instance(connectorId);
        String mapping = connector.mapping(type == ErpPage.RecordType.DEBTOR ? "debtor" : "openItem");
        Object mapped = mapper.map(mapping, raw, bindings(connector));
        String groupId;
        Object canonical;
        if (type == ErpPage.RecordType.DEBTOR) {
            Debtor debtor = validated(convert(mapped, Debtor.class, mapping));
            canonical = debtor;
            groupId = debtor.debtorKey();
        } else {
            OpenItem item = validated(convert(mapped, OpenItem.class, mapping));
            item = item.withVersion(OpenItemVersion.of(item));
            canonical = item;
            groupId = item.debtorKey();
        }
        HubMessages.prepareNextHop(message, message.getHeader(HubAddresses.MESSAGE_ID, String.class), groupId);
        message.setHeader(HubAddresses.CONNECTOR_ID, connectorId);
        message.setHeader(HubAddresses.RECORD_TYPE, type.name());
        message.setBody(json.write(canonical));
    }

    /**
     * Variables a mapping can read: {@code $connectorId} (the source system in the canonical model) and
     * every non-secret property of the connector instance under its own name.
     */
    private static Map<String, Object> bindings(ConnectorInstance connector) {
        Map<String, Object> bindings = new HashMap<>();
        var definition = connector.descriptor().spec().definition().properties();
        connector.properties().forEach((name, value) -> {
            if (!definition.get(name).isSecret()) {
                bindings.put(name, value);
            }
        });
        bindings.put("connectorId", connector.id());
        return bindings;
    }

    private <T> T convert(Object mapped, Class<T> type, String mapping) {
        try {
            return mapper.convert(mapped, type);
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof JsonProcessingException cause ? cause.getOriginalMessage() : e.getMessage();
            throw new InvalidMessageException("mapping " + mapping + " gave an invalid " + type.getSimpleName() + ": " + reason);
        }
    }

    private <T> T validated(T value) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidMessageException("invalid " + value.getClass().getSimpleName() + ": " + violations.stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage() + " (was " + v.getInvalidValue() + ")")
                    .sorted().collect(Collectors.joining("; ")));
        }
        return value;
    }
}
