package com.encours.hub.finance;

import com.encours.hub.bureau.AssessmentCache;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.FigureSettings;
import com.encours.hub.core.exposure.ReceivableFigures;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The figures of every debtor and of the whole portfolio as of a day. Portfolio totals add the debtors' sums
 * (Σ open / Σ sales, never an average of debtors' ratios), per currency.
 */
@Component
public class PortfolioFigures {

    private final LedgerRepository ledger;
    private final AssessmentCache assessments;
    private final DebtorFigures debtorFigures;
    private final CanonicalJson json;

    public PortfolioFigures(LedgerRepository ledger, AssessmentCache assessments, DebtorFigures debtorFigures,
                            CanonicalJson json) {
        this.ledger = ledger;
        this.assessments = assessments;
        this.debtorFigures = debtorFigures;
        this.json = json;
    }

    /** @param debtors by debtor key; a debtor without items has no figures but keeps its row */
    public record Portfolio(LocalDate asOf, List<DebtorFigures.Figures> debtors, List<CurrencyFigures> totals) {
    }

    public Portfolio asOf(LocalDate day) {
        FigureSettings settings = FigureSettings.standard(day);
        ReceivableFigures totals = new ReceivableFigures(settings);
        List<DebtorFigures.Figures> debtors = new ArrayList<>();
        for (String payload : ledger.debtorPayloads()) {
            Debtor debtor = json.read(payload, Debtor.class);
            ReceivableFigures sums = debtorFigures.sumsOf(debtor, settings);
            debtors.add(DebtorFigures.figures(debtor, assessmentOf(debtor), sums.figures()));
            totals.merge(sums);
        }
        return new Portfolio(day, debtors, totals.figures());
    }

    /** One debtor's figures as of a day, or none when the ledger has no debtor with this hub id. */
    public Optional<DebtorFigures.Figures> ofDebtor(String hubId, LocalDate day) {
        return ledger.findDebtorByHubId(hubId).map(stored -> {
            Debtor debtor = json.read(stored.payload(), Debtor.class);
            return DebtorFigures.figures(debtor, assessmentOf(debtor),
                    debtorFigures.sumsOf(debtor, FigureSettings.standard(day)).figures());
        });
    }

    private CreditAssessment assessmentOf(Debtor debtor) {
        return assessments.find(debtor.hubId()).map(AssessmentCache.Cached::assessment).orElse(null);
    }
}
