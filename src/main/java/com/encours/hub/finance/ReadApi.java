package com.encours.hub.finance;

import com.encours.hub.bureau.AssessmentCache;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.exposure.DebtorExposure;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.Exposure;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;

/** Read API for finance systems and people: debtors with assessment and exposure, open items by filter. */
@RestController
@RequestMapping("/api")
public class ReadApi {

    private static final int MAX_PAGE_SIZE = 500;

    private final LedgerRepository ledger;
    private final AssessmentCache assessments;
    private final CanonicalJson json;
    private final DebtorExposure exposure;

    public ReadApi(LedgerRepository ledger, AssessmentCache assessments, CanonicalJson json, DebtorExposure exposure) {
        this.ledger = ledger;
        this.assessments = assessments;
        this.json = json;
        this.exposure = exposure;
    }

    public record DebtorView(Debtor debtor, CreditAssessment assessment, List<Exposure> exposure) {
    }

    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    @GetMapping("/debtors/{hubId}")
    public DebtorView debtor(@PathVariable String hubId) {
        var stored = ledger.findDebtorByHubId(hubId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no debtor " + hubId));
        Debtor debtor = json.read(stored.payload(), Debtor.class);
        return new DebtorView(debtor, assessments.find(hubId).map(AssessmentCache.Cached::assessment).orElse(null),
                exposure.of(debtor));
    }

    /**
     * @param debtor hub id of the debtor
     * @param status an item status (OPEN, PARTIAL, CLEARED, ...)
     */
    @GetMapping("/open-items")
    public Page<OpenItem> openItems(@RequestParam(required = false) String debtor,
                                    @RequestParam(required = false) ItemStatus status,
                                    @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "50") int size) {
        checkPage(page, size);
        String debtorKey = null;
        if (debtor != null) {
            debtorKey = ledger.findDebtorByHubId(debtor).map(LedgerRepository.StoredDebtor::debtorKey)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no debtor " + debtor));
        }
        String statusName = status == null ? null : status.name();
        List<OpenItem> items = ledger.findItems(debtorKey, statusName, page * size, size).stream()
                .map(row -> json.read(row.payload(), OpenItem.class)).toList();
        return new Page<>(items, page, size, ledger.countItems(debtorKey, statusName));
    }

    /** The paging every list of the API accepts: 400 otherwise. */
    static void checkPage(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page >= 0 and 1 <= size <= " + MAX_PAGE_SIZE);
        }
    }
}
