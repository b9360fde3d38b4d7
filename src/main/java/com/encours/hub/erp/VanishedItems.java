package com.encours.hub.erp;

import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.OpenItem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a snapshot (a dropped file, a list an ERP only ever gives whole) no longer holds: the ledger's open
 * items of one source and company that it lacks, and the records that clear them. An item is cleared by a
 * record {@code {"vanished": <the item as the ledger holds it>, "snapshotDate": …, "source": …}} (plus what
 * the source adds), which the connector's open-item mapping turns into the item, cleared on that date.
 */
@Component
public class VanishedItems {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LEDGER_CHUNK = 500;

    private final LedgerRepository ledger;
    private final TransactionTemplate readOnly;
    private final Clock clock;

    public VanishedItems(LedgerRepository ledger, PlatformTransactionManager transactionManager, Clock clock) {
        this.ledger = ledger;
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.clock = clock;
    }

    /**
     * @param ledgerOpen     open items the ledger holds for the source and company
     * @param sourceItemKeys those the snapshot does not hold
     */
    public record Vanished(long ledgerOpen, List<String> sourceItemKeys) {

        /**
         * Why clearing them would be wrong, when more than {@code maxShare} of what is open vanished at once:
         * the snapshot looks truncated (an export cut short, a filter left on).
         */
        public Optional<String> tooMany(BigDecimal maxShare, String company, String snapshot) {
            if (ledgerOpen == 0) {
                return Optional.empty();
            }
            BigDecimal share = BigDecimal.valueOf(sourceItemKeys.size()).divide(BigDecimal.valueOf(ledgerOpen), 4,
                    RoundingMode.HALF_UP);
            if (share.compareTo(maxShare) <= 0) {
                return Optional.empty();
            }
            return Optional.of(sourceItemKeys.size() + " of the " + ledgerOpen + " open items the hub holds for " + company
                    + " are absent from " + snapshot + " (" + percent(share) + "), more than maxVanishedShare "
                    + percent(maxShare) + ": it looks truncated");
        }

        private static String percent(BigDecimal share) {
            return share.movePointRight(2).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " %";
        }
    }

    /** The ledger's open items of this source (the connector id) and company that {@code holds} says are gone. */
    public Vanished find(String connectorId, String company, Predicate<String> holds) {
        return readOnly.execute(status -> {
            long[] open = {0};
            List<String> gone = new ArrayList<>();
            ledger.forEachOpenSourceItemKey(connectorId, company, key -> {
                open[0]++;
                if (!holds.test(key)) {
                    gone.add(key);
                }
            });
            return new Vanished(open[0], gone);
        });
    }

    /**
     * Hands over a clearing record for each vanished item, a page per 500 items.
     *
     * @param envelope what the source's records carry besides (e.g. the division), may be empty
     */
    public void handOver(String connectorId, String company, List<String> sourceItemKeys, String source,
                         Map<String, Object> envelope, String stream, ErpSource.PageSink sink) {
        LocalDate today = LocalDate.now(clock);
        for (int i = 0; i < sourceItemKeys.size(); i += LEDGER_CHUNK) {
            List<String> itemKeys = sourceItemKeys.subList(i, Math.min(sourceItemKeys.size(), i + LEDGER_CHUNK)).stream()
                    .map(key -> itemKey(connectorId, company, key)).toList();
            List<String> records = ledger.itemColumn(itemKeys, false).values().stream()
                    .map(stored -> record(stored, today, source, envelope)).toList();
            if (!records.isEmpty()) {
                sink.accept(new ErpPage(stream, ErpPage.RecordType.OPEN_ITEM, records));
            }
        }
    }

    /** As {@link OpenItem#itemKey()} builds it: the mappings give an item the connector id as its source system. */
    public static String itemKey(String connectorId, String company, String sourceItemKey) {
        return connectorId + ":" + company + ":" + sourceItemKey;
    }

    private static String record(String storedItem, LocalDate snapshotDate, String source, Map<String, Object> envelope) {
        try {
            ObjectNode record = JSON.valueToTree(envelope);
            record.set("vanished", JSON.readTree(storedItem));
            record.put("snapshotDate", snapshotDate.toString());
            record.put("source", source);
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the ledger holds an item payload that is not JSON", e);
        }
    }
}
