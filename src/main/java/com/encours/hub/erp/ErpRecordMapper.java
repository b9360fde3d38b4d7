package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.identity.IdentifierValidation;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.model.OpenItemVersion;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.Hashes;
import com.encours.hub.ops.FailureRecorder;
import org.springframework.beans.factory.annotation.Value;
import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.annotation.PreDestroy;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one raw ERP record into a canonical Debtor or OpenItem, ready for {@code erp.items}: mapped with
 * the connector's JSONata mapping, validated, versioned; a debtor's identifiers are checked (check digits,
 * formats), and an invalid one is left out and named in the debtor's data errors. A record that cannot be mapped or is invalid
 * raises {@link InvalidMessageException} with a reason an ops user can act on.
 */
@Component
public class ErpRecordMapper {

    static final int MAX_RECORD_CHARS = 256 * 1024;

    private final ConnectorCatalog catalog;
    private final JsonataMapper mapper;
    private final Validator validator;
    private final CanonicalJson json;

    private final int batchSize;
    private final int ledgerGroups;
    private final ForkJoinPool mappingPool;

    public ErpRecordMapper(ConnectorCatalog catalog, JsonataMapper mapper, Validator validator, CanonicalJson json,
                           @Value("${hub.flows.ledger-batch-size:200}") int batchSize,
                           @Value("${hub.flows.ledger-groups}") int ledgerGroups,
                           @Value("${hub.flows.mapping-threads:0}") int mappingThreads) {
        this.mappingPool = new ForkJoinPool(mappingThreads > 0 ? mappingThreads : Runtime.getRuntime().availableProcessors());
        this.batchSize = Math.max(1, batchSize);
        this.ledgerGroups = ledgerGroups;
        this.catalog = catalog;
        this.mapper = mapper;
        this.validator = validator;
        this.json = json;
    }

    /**
     * Body in: an {@link ErpPage}; headers hubConnectorId and hubRecordType. Body out: the list of
     * {@link Output}s to emit one by one (see {@link #emit}): batches of canonical records for
     * {@code erp.items}, one per debtor group and at most {@code hub.flows.ledger-batch-size} records,
     * and each record that cannot be mapped, alone, with its reason (it goes to quarantine; the rest of
     * the page goes on).
     */
    public void mapPage(Exchange exchange) {
        Message message = exchange.getMessage();
        String connectorId = message.getHeader(HubAddresses.CONNECTOR_ID, String.class);
        ErpPage page = message.getBody(ErpPage.class);
        ErpPage.RecordType type = page.type();
        ConnectorInstance connector = catalog.instance(connectorId);
        String mapping = connector.mapping(type == ErpPage.RecordType.DEBTOR ? "debtor" : "openItem");
        Map<String, Object> bindings = bindings(connector);
        List<Output> outputs = new ArrayList<>();
        Map<String, List<String>> groups = new TreeMap<>();
        List<Object> results = mapAll(type, mapping, page.records(), bindings);
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof Mapped mapped) {
                String group = HubMessages.ledgerGroup(mapped.groupKey(), ledgerGroups);
                List<String> batch = groups.computeIfAbsent(group, g -> new ArrayList<>());
                batch.add(mapped.json());
                if (batch.size() >= batchSize) {
                    outputs.add(batchOutput(exchange, connectorId, type, group, outputs.size(), batch));
                    groups.remove(group);
                }
            } else {
                Map<String, Object> headers = new HashMap<>();
                headers.put(HubAddresses.MESSAGE_ID, exchange.getExchangeId() + "-r" + (i + 1));
                headers.put(HubAddresses.CONNECTOR_ID, connectorId);
                headers.put(HubAddresses.RECORD_TYPE, type.name());
                outputs.add(new Output(page.records().get(i), headers, (InvalidMessageException) results.get(i)));
            }
        }
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            outputs.add(batchOutput(exchange, connectorId, type, group.getKey(), outputs.size(), group.getValue()));
        }
        message.setBody(outputs);
    }

    /**
     * Each record mapped, or the reason it cannot be, in page order. Mapping is most of an extract's work
     * and records are independent: they are mapped on {@code hub.flows.mapping-threads} threads.
     */
    private List<Object> mapAll(ErpPage.RecordType type, String mapping, List<String> records,
                                Map<String, Object> bindings) {
        return mappingPool.submit(() -> records.parallelStream().map(raw -> {
            try {
                return (Object) canonical(type, mapping, raw, bindings);
            } catch (InvalidMessageException refused) {
                return refused;
            }
        }).toList()).join();
    }

    @PreDestroy
    void stop() {
        mappingPool.shutdown();
    }

    /** Body in: one {@link Output}. Leaves its body and headers on the message, or raises its refusal. */
    public void emit(Exchange exchange) {
        Message message = exchange.getMessage();
        Output output = message.getBody(Output.class);
        message.removeHeaders("*");
        message.setHeaders(new HashMap<>(output.headers()));
        message.setBody(output.body());
        if (output.refused() != null) {
            // quarantined under erp.items, by its own id
            message.setHeader(FailureRecorder.ADDRESS, HubAddresses.ERP_ITEMS);
            throw output.refused();
        }
    }

    private Output batchOutput(Exchange exchange, String connectorId, ErpPage.RecordType type, String group, int n,
                               List<String> records) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(HubAddresses.MESSAGE_ID, "erp-" + Hashes.shortSha256(exchange.getExchangeId() + "/" + group + "/" + n));
        headers.put(HubAddresses.CONNECTOR_ID, connectorId);
        headers.put(HubAddresses.RECORD_TYPE, type.name());
        headers.put(HubAddresses.RECORD_COUNT, records.size());
        headers.put("JMSXGroupID", group);
        return new Output("[" + String.join(",", records) + "]", headers, null);
    }

    /**
     * Body in: the raw record; headers hubConnectorId and hubRecordType. Body out: canonical JSON of
     * that one record (the format of erp.items before batches; the ledger still reads it).
     */
    public void toCanonical(Exchange exchange) {
        Message message = exchange.getMessage();
        String connectorId = message.getHeader(HubAddresses.CONNECTOR_ID, String.class);
        ErpPage.RecordType type = ErpPage.RecordType.valueOf(message.getHeader(HubAddresses.RECORD_TYPE, String.class));
        ConnectorInstance connector = catalog.instance(connectorId);
        String mapping = connector.mapping(type == ErpPage.RecordType.DEBTOR ? "debtor" : "openItem");
        Mapped mapped = canonical(type, mapping, message.getBody(String.class), bindings(connector));
        HubMessages.prepareNextHop(message, message.getHeader(HubAddresses.MESSAGE_ID, String.class), mapped.groupKey());
        message.setHeader(HubAddresses.CONNECTOR_ID, connectorId);
        message.setHeader(HubAddresses.RECORD_TYPE, type.name());
        message.setBody(mapped.json());
    }

    /**
     * The canonical open item one raw record of this connector maps to, validated and versioned, without
     * sending it anywhere: for previews such as a FEC dry run.
     *
     * @throws InvalidMessageException when the record is refused, with the reason an extract would give
     */
    public OpenItem openItem(ConnectorInstance connector, String raw) {
        Mapped mapped = canonical(ErpPage.RecordType.OPEN_ITEM, connector.mapping("openItem"), raw, bindings(connector));
        return json.read(mapped.json(), OpenItem.class);
    }

    private Mapped canonical(ErpPage.RecordType type, String mapping, String raw, Map<String, Object> bindings) {
        if (raw == null || raw.length() > MAX_RECORD_CHARS) {
            throw new InvalidMessageException("ERP record is empty or larger than " + MAX_RECORD_CHARS + " characters");
        }
        Object mapped = mapper.map(mapping, raw, bindings);
        if (type == ErpPage.RecordType.DEBTOR) {
            Debtor debtor = IdentifierValidation.checked(validated(convert(mapped, Debtor.class, mapping)));
            return new Mapped(debtor.debtorKey(), json.write(debtor));
        }
        OpenItem item = validated(convert(mapped, OpenItem.class, mapping));
        item = item.withVersion(OpenItemVersion.of(item));
        return new Mapped(item.debtorKey(), json.write(item));
    }

    private record Mapped(String groupKey, String json) {
    }

    /** One message to put on erp.items, or a record refused (then {@code body} is the raw record). */
    public record Output(String body, Map<String, Object> headers, InvalidMessageException refused) {
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
