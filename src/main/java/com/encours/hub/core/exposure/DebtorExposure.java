package com.encours.hub.core.exposure;

import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.Exposure;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;

/** A debtor's exposure today, from what the ledger holds now. */
@Component
public class DebtorExposure {

    private final LedgerRepository ledger;
    private final Clock clock;

    public DebtorExposure(LedgerRepository ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public List<Exposure> of(Debtor debtor) {
        var lines = ledger.openItemsOf(debtor.debtorKey()).stream()
                .map(row -> new ExposureCalculator.Line(Currency.getInstance(row.currency()), row.openAmount(),
                        row.dueDate(), ItemFact.countsNegative(DocType.valueOf(row.docType()))))
                .toList();
        return ExposureCalculator.compute(lines, debtor.internalCreditLimit(), debtor.currency(), LocalDate.now(clock));
    }
}
