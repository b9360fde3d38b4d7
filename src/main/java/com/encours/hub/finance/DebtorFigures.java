package com.encours.hub.finance;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.exposure.CreditLimit;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.FigureSettings;
import com.encours.hub.core.exposure.Headroom;
import com.encours.hub.core.exposure.ItemFact;
import com.encours.hub.core.exposure.ReceivableFigures;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.OpenItem;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;

/**
 * A debtor's receivable figures from what the ledger holds: its open items and those cleared or issued within
 * the figures' windows. Used by the events, the REST API and the daily export, so that all three agree.
 */
@Component
public class DebtorFigures {

    private final LedgerRepository ledger;
    private final CanonicalJson json;

    public DebtorFigures(LedgerRepository ledger, CanonicalJson json) {
        this.ledger = ledger;
        this.json = json;
    }

    /** The figures of one debtor, per currency, and its headroom under each limit it has. */
    public record Figures(FinanceEvent.DebtorRef debtor, List<CurrencyFigures> figures, List<Headroom> headroom) {
    }

    /** The sums behind a debtor's figures: they add up into a portfolio's. */
    public ReceivableFigures sumsOf(Debtor debtor, FigureSettings settings) {
        ReceivableFigures sums = new ReceivableFigures(settings);
        for (LedgerRepository.FigureRow row : ledger.itemsForFigures(debtor.debtorKey(), earliestDayNeeded(settings))) {
            LocalDate clearedDate = row.clearedPayload() == null ? null
                    : json.read(row.clearedPayload(), OpenItem.class).clearedDate();
            sums.add(new ItemFact(Currency.getInstance(row.currency()), DocType.valueOf(row.docType()),
                    row.originalAmount(), row.openAmount(), row.issueDate(), row.dueDate(), clearedDate));
        }
        return sums;
    }

    /** The debtor's limits: its internal one from the ERP and the bureau's, where they are amounts. */
    public static List<CreditLimit> limitsOf(Debtor debtor, CreditAssessment assessment) {
        return Stream.concat(CreditLimit.internal(debtor).stream(), CreditLimit.bureau(assessment).stream()).toList();
    }

    public static Figures figures(Debtor debtor, CreditAssessment assessment, List<CurrencyFigures> figures) {
        return new Figures(FinanceEvent.DebtorRef.of(debtor), figures,
                Headroom.against(limitsOf(debtor, assessment), figures));
    }

    /** The first day any of the figures' windows looks at. */
    static LocalDate earliestDayNeeded(FigureSettings settings) {
        LocalDate countBackStart = settings.asOf().withDayOfMonth(1).minusMonths(settings.countBackMonths() - 1L);
        return Stream.of(countBackStart, settings.dsoPeriod().first(), settings.paymentWindow().first())
                .min(LocalDate::compareTo).orElseThrow();
    }
}
