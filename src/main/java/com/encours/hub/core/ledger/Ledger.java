package com.encours.hub.core.ledger;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.model.ChangeKind;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.model.OpenItemVersion;
import com.encours.hub.core.CanonicalJson;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The hub's memory of every open item and debtor. Items are upserted by natural key; a change event
 * comes out only when a business field changed. Each write is one database transaction.
 *
 * <p>The database commits before the broker transaction that consumed the input. If the hub dies
 * between the two, the broker redelivers the input: the ledger then sees no change, but re-emits the
 * change it recorded, with the same event id, so the event is not lost; downstream steps recognise
 * the id if the first emission had got through.
 *
 * <p>Records come in batches (one erp.items message); a batch is one database transaction with one
 * query for the stored versions and JDBC batches for the writes.
 */
@Service
public class Ledger {

    private final LedgerRepository repository;
    private final CanonicalJson json;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final MeterRegistry meters;

    public Ledger(LedgerRepository repository, CanonicalJson json, PlatformTransactionManager transactionManager,
                  Clock clock, MeterRegistry meters) {
        this.repository = repository;
        this.json = json;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Records the debtors of one batch, as the ERP describes them now, in one database transaction.
     *
     * @return the keys of the debtors the ledger had already and whose record changed
     */
    public List<String> applyDebtors(List<Debtor> debtors) {
        return transactions.execute(status -> debtors.stream().filter(this::applyDebtor).map(Debtor::debtorKey).toList());
    }

    /** @return whether a debtor the ledger had already changed */
    private boolean applyDebtor(Debtor debtor) {
        Instant now = clock.instant();
        String version = Hashes.shortSha256(json.write(new Debtor(null, debtor.sourceSystem(), debtor.company(),
                debtor.debtorRef(), debtor.name(), debtor.country(), sorted(debtor.identifiers()), debtor.address(),
                debtor.email(), debtor.phone(), debtor.customerType(), debtor.paymentTerms(),
                debtor.internalCreditLimit(), debtor.currency(), debtor.blocked(), null)));
        String identifiersHash = identifiersHash(debtor.identifiers());
        Optional<LedgerRepository.StoredDebtor> stored = repository.findDebtorByKey(debtor.debtorKey());
        if (stored.isEmpty()) {
            String hubId = UUID.randomUUID().toString();
            repository.insertDebtor(hubId, debtor.debtorKey(), debtor.sourceSystem(), debtor.company(),
                    debtor.debtorRef(), debtor.name(), debtor.country(), identifiersHash, version,
                    json.write(debtor.withHubId(hubId)), now);
            repository.replaceIdentifiers(hubId, debtor.identifiers());
            meters.counter("hub.ledger.debtors", "outcome", "new").increment();
            return false;
        }
        String hubId = stored.get().hubId();
        if (version.equals(stored.get().version())) {
            meters.counter("hub.ledger.debtors", "outcome", "unchanged").increment();
            return false;
        }
        repository.updateDebtor(hubId, debtor.name(), debtor.country(), identifiersHash, version,
                json.write(debtor.withHubId(hubId)), now);
        if (!identifiersHash.equals(stored.get().identifiersHash())) {
            repository.replaceIdentifiers(hubId, debtor.identifiers());
        }
        meters.counter("hub.ledger.debtors", "outcome", "changed").increment();
        return true;
    }

    /**
     * Records the item; returns the change event to publish, or nothing when nothing changed.
     *
     * @param redelivered the broker delivers this input again: re-emit the change of the stored revision
     */
    public Optional<LedgerChange> applyItem(OpenItem incoming, boolean redelivered) {
        return applyItems(List.of(incoming), redelivered).stream().findFirst();
    }

    /**
     * Records a batch of items in one database transaction, with one query for the versions the ledger
     * has and one JDBC batch per kind of write; returns the change events to publish, in input order.
     *
     * @param redelivered the broker delivers this input again: re-emit the change of the stored revision
     *                    of each item that is unchanged
     */
    public List<LedgerChange> applyItems(List<OpenItem> incoming, boolean redelivered) {
        if (incoming.isEmpty()) {
            return List.of();
        }
        List<OpenItem> items = incoming.stream().map(item -> item.withVersion(OpenItemVersion.of(item))).toList();
        return transactions.execute(status -> {
            Instant now = clock.instant();
            ensureDebtors(items, now);
            Map<String, LedgerRepository.ItemHead> heads = new HashMap<>(repository.itemHeads(
                    items.stream().map(OpenItem::itemKey).toList()));
            Set<String> changedKeys = new HashSet<>();
            Set<String> unchangedKeys = new HashSet<>();
            for (OpenItem item : items) {
                LedgerRepository.ItemHead head = heads.get(item.itemKey());
                if (head != null && head.version().equals(item.version())) {
                    unchangedKeys.add(item.itemKey());
                } else if (head != null) {
                    changedKeys.add(item.itemKey());
                }
            }
            Map<String, String> payloads = changedKeys.isEmpty() ? Map.of() : repository.itemColumn(changedKeys, false);
            Map<String, String> lastChanges = redelivered && !unchangedKeys.isEmpty()
                    ? repository.itemColumn(unchangedKeys, true) : Map.of();
            Map<String, OpenItem> latest = new HashMap<>();
            Map<String, String> lastChangeInBatch = new HashMap<>();
            List<LedgerRepository.ItemWrite> inserts = new ArrayList<>();
            Map<String, LedgerRepository.ItemWrite> updates = new LinkedHashMap<>();
            List<LedgerChange> changes = new ArrayList<>();
            int unchanged = 0;
            for (OpenItem item : items) {
                LedgerRepository.ItemHead head = heads.get(item.itemKey());
                if (head != null && head.version().equals(item.version())) {
                    unchanged++;
                    if (redelivered) {
                        String last = lastChangeInBatch.getOrDefault(item.itemKey(), lastChanges.get(item.itemKey()));
                        if (last != null) {
                            changes.add(json.read(last, LedgerChange.class));
                        }
                    }
                    continue;
                }
                OpenItem previous = latest.containsKey(item.itemKey()) ? latest.get(item.itemKey())
                        : head == null ? null : json.read(payloads.get(item.itemKey()), OpenItem.class);
                long revision = head == null ? 1L : head.revision() + 1;
                LedgerChange change = new LedgerChange(item.itemKey(), item.debtorKey(), revision,
                        changesBetween(previous, item), previous == null ? null : previous.version(), item, now);
                String changeJson = json.write(change);
                LedgerRepository.ItemWrite write = new LedgerRepository.ItemWrite(item.itemKey(), item.debtorKey(),
                        item.sourceSystem(), item.company(), item.sourceItemKey(), item.docType().name(), item.docNumber(),
                        item.status().name(), item.currency().getCurrencyCode(), item.originalAmount(), item.openAmount(),
                        item.issueDate(), item.dueDate(), item.version(), revision, json.write(item), changeJson,
                        item.sourceLastModified(), now);
                if (head == null && !latest.containsKey(item.itemKey())) {
                    inserts.add(write);
                } else {
                    updates.remove(item.itemKey());
                    updates.put(item.itemKey(), write);
                }
                meters.counter("hub.ledger.items", "outcome", previous == null ? "new" : "changed").increment();
                heads.put(item.itemKey(), new LedgerRepository.ItemHead(item.version(), revision));
                latest.put(item.itemKey(), item);
                lastChangeInBatch.put(item.itemKey(), changeJson);
                changes.add(change);
            }
            // an item new in this batch and changed again later in it is inserted, then updated
            repository.writeItems(inserts, List.copyOf(updates.values()));
            meters.counter("hub.ledger.items", "outcome", "unchanged").increment(unchanged);
            return changes;
        });
    }

    /** Items can arrive before their debtor's master record; keep a placeholder until the record comes. */
    private void ensureDebtors(List<OpenItem> items, Instant now) {
        Map<String, OpenItem> byDebtor = new LinkedHashMap<>();
        items.forEach(item -> byDebtor.putIfAbsent(item.debtorKey(), item));
        Set<String> existing = repository.existingDebtorKeys(byDebtor.keySet());
        byDebtor.forEach((debtorKey, item) -> {
            if (!existing.contains(debtorKey)) {
                insertPlaceholder(item, now);
            }
        });
    }

    private void insertPlaceholder(OpenItem item, Instant now) {
        {
            Debtor placeholder = new Debtor(UUID.randomUUID().toString(), item.sourceSystem(), item.company(),
                    item.debtorRef(), item.debtorRef(), null, List.of(), null, null, null, null, null, null, null,
                    false, null);
            repository.insertDebtor(placeholder.hubId(), item.debtorKey(), item.sourceSystem(), item.company(),
                    item.debtorRef(), item.debtorRef(), null, identifiersHash(List.of()), "placeholder",
                    json.write(placeholder), now);
        }
    }

    static Set<ChangeKind> changesBetween(OpenItem previous, OpenItem current) {
        if (previous == null) {
            return EnumSet.of(ChangeKind.NEW);
        }
        Set<ChangeKind> changes = EnumSet.noneOf(ChangeKind.class);
        if (previous.openAmount().compareTo(current.openAmount()) != 0
                || previous.originalAmount().compareTo(current.originalAmount()) != 0
                || !previous.currency().equals(current.currency())) {
            changes.add(ChangeKind.AMOUNT);
        }
        if (previous.status() != current.status()) {
            changes.add(current.status() == ItemStatus.CLEARED ? ChangeKind.CLEARED : ChangeKind.STATUS);
        }
        if (!previous.dueDate().equals(current.dueDate())) {
            changes.add(ChangeKind.DUE_DATE);
        }
        if (!Objects.equals(previous.dunningLevel(), current.dunningLevel())
                || !Objects.equals(previous.lastReminderDate(), current.lastReminderDate())
                || previous.dunningBlocked() != current.dunningBlocked()) {
            changes.add(ChangeKind.DUNNING);
        }
        if (previous.disputed() != current.disputed() || !Objects.equals(previous.disputeReason(), current.disputeReason())) {
            changes.add(ChangeKind.DISPUTE);
        }
        if (changes.isEmpty()) {
            changes.add(ChangeKind.OTHER);
        }
        return changes;
    }

    /** Hash of the identifiers, order-insensitive: a new or changed identifier means a new bureau lookup. */
    public static String identifiersHash(List<DebtorIdentifier> identifiers) {
        return Hashes.shortSha256(sorted(identifiers).stream().map(id -> id.scheme() + ":" + id.value())
                .collect(Collectors.joining("|")));
    }

    private static List<DebtorIdentifier> sorted(List<DebtorIdentifier> identifiers) {
        return identifiers.stream().distinct()
                .sorted(Comparator.comparing(DebtorIdentifier::scheme).thenComparing(DebtorIdentifier::value)).toList();
    }

}
