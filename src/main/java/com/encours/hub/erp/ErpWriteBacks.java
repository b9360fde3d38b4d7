package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.IdempotentOperations;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.finance.FinanceEvent;
import com.encours.hub.ops.AuditLog;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the hub's credit decisions back to the ERP a debtor comes from, where its connector allows it and has it
 * switched on (off by default): the bureau's recommended limit as the customer's credit limit
 * ({@code writeBackCreditLimit}, after a debtor.assessed, when the limit is in the connector's {@code localCurrency})
 * and a block when the debtor goes over a limit ({@code writeBackBlockOnBreach}, after a limit.breached). The
 * hub never unblocks a customer nor lowers a block: a credit manager does.
 * <p>
 * Decided when the debtor events are published ({@link #decide}), each as a message of its own on
 * {@code erp.write-back}, applied by {@link #apply}: once per decision (recorded, so a redelivery does not write
 * again over what someone changed since), and in the audit log, whether written or found done already.
 */
@Component
public class ErpWriteBacks {

    public static final String CREDIT_LIMIT = "CREDIT_LIMIT";
    public static final String BLOCK = "BLOCK";
    static final String AUDIT_ACTION = "ERP_WRITE_BACK";

    /**
     * One write to one customer.
     *
     * @param id    stable for the event it comes from: the same on redelivery
     * @param limit the credit limit to set, for {@link #CREDIT_LIMIT}
     */
    public record WriteBack(String id, String connectorId, String debtorKey, String customerNumber, String action,
                            BigDecimal limit, String cause) {
    }

    private final ConnectorCatalog catalog;
    private final Map<String, ErpWriteBack> byProtocol;
    private final IdempotentOperations done;
    private final AuditLog audit;
    private final CanonicalJson json;

    public ErpWriteBacks(ConnectorCatalog catalog, List<ErpWriteBack> writeBacks, IdempotentOperations done,
                         AuditLog audit, CanonicalJson json) {
        this.catalog = catalog;
        this.byProtocol = writeBacks.stream().collect(Collectors.toMap(ErpWriteBack::protocol, Function.identity()));
        this.done = done;
        this.audit = audit;
        this.json = json;
    }

    /**
     * The write a debtor event calls for, if the debtor's ERP connector takes it and has it on.
     *
     * @param assessment the debtor's assessment when the event was decided; null if none
     */
    public Optional<WriteBack> decide(Debtor debtor, CreditAssessment assessment, String eventId, String eventType) {
        Optional<ConnectorInstance> connector = catalog.instances().stream()
                .filter(instance -> instance.id().equals(debtor.sourceSystem()) && instance.enabled())
                .filter(instance -> byProtocol.containsKey(instance.protocol())).findFirst();
        if (connector.isEmpty()) {
            return Optional.empty();
        }
        String cause = eventType + " " + eventId;
        if (eventType.equals(FinanceEvent.DEBTOR_ASSESSED) && on(connector.get(), "writeBackCreditLimit")
                && assessment != null && assessment.recommendedLimit() != null && assessment.limitCurrency() != null
                && assessment.limitCurrency().getCurrencyCode().equals(connector.get().property("localCurrency"))) {
            return Optional.of(new WriteBack(eventId + ":" + CREDIT_LIMIT, debtor.sourceSystem(), debtor.debtorKey(),
                    debtor.debtorRef(), CREDIT_LIMIT, assessment.recommendedLimit(), cause));
        }
        if (eventType.equals(FinanceEvent.LIMIT_BREACHED) && on(connector.get(), "writeBackBlockOnBreach")) {
            return Optional.of(new WriteBack(eventId + ":" + BLOCK, debtor.sourceSystem(), debtor.debtorKey(),
                    debtor.debtorRef(), BLOCK, null, cause));
        }
        return Optional.empty();
    }

    /** The erp-write-back route's step: one {@link WriteBack} per message; leaves a null body. */
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        WriteBack writeBack = json.read(message.getBody(String.class), WriteBack.class);
        String scope = "erp-write-back:" + writeBack.connectorId();
        if (!done.isDone(scope, writeBack.id())) {
            ConnectorInstance connector = catalog.instance(writeBack.connectorId());
            ErpWriteBack erp = byProtocol.get(connector.protocol());
            if (erp == null) {
                throw new InvalidMessageException(connector.id() + " speaks " + connector.protocol()
                        + ", which takes no write-back");
            }
            boolean written = write(erp, connector, writeBack);
            done.markDone(scope, writeBack.id());
            audit.record("hub", AUDIT_ACTION, writeBack.debtorKey(), describe(writeBack, written));
        }
        message.setBody(null);
    }

    private static boolean write(ErpWriteBack erp, ConnectorInstance connector, WriteBack writeBack) {
        try {
            return switch (writeBack.action()) {
                case CREDIT_LIMIT -> erp.setCreditLimit(connector, writeBack.customerNumber(), writeBack.limit());
                case BLOCK -> erp.block(connector, writeBack.customerNumber());
                default -> throw new InvalidMessageException("unknown write-back action " + writeBack.action());
            };
        } catch (PartnerException e) {
            if (e.isTransient()) {
                throw e;
            }
            throw new InvalidMessageException(connector.id() + " refused the " + writeBack.action() + " of customer "
                    + writeBack.customerNumber() + ": " + e.getMessage(), e);
        }
    }

    private static String describe(WriteBack writeBack, boolean written) {
        String what = writeBack.action().equals(CREDIT_LIMIT)
                ? "credit limit " + writeBack.limit().toPlainString() : "blocked";
        return writeBack.connectorId() + " customer " + writeBack.customerNumber() + ": " + what
                + (written ? "" : " (was so already)") + ", after " + writeBack.cause();
    }

    private static boolean on(ConnectorInstance connector, String property) {
        return Boolean.parseBoolean(connector.property(property));
    }
}
