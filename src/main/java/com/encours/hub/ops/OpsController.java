package com.encours.hub.ops;

import com.encours.hub.ops.AuditLog.AuditEvent;
import com.encours.hub.ops.FailedMessage.Kind;
import com.encours.hub.ops.FailedMessages.Filter;
import com.encours.hub.ops.FailedMessages.Outcome;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.Map;

/** What ops staff do about failed messages: see them and why they failed, retry or discard them, read the audit. */
@RestController
@RequestMapping("/api/ops")
public class OpsController {

    static final int MAX_PAGE_SIZE = 200;

    private final FailedMessages failedMessages;
    private final AuditLog audit;

    public OpsController(FailedMessages failedMessages, AuditLog audit) {
        this.failedMessages = failedMessages;
        this.audit = audit;
    }

    @GetMapping("/failed")
    public Page<FailedMessage> failed(@RequestParam(required = false) String address,
                                      @RequestParam(required = false) String kind,
                                      @RequestParam(defaultValue = "0") int page,
                                      @RequestParam(defaultValue = "50") int size) {
        checkPage(page, size);
        return failedMessages.list(filter(address, kind), page, size);
    }

    @GetMapping("/failed/{id}")
    public FailedMessage failed(@PathVariable String id) {
        return failedMessages.find(id).orElseThrow(() -> notFound(id));
    }

    @PostMapping("/failed/{id}/retry")
    public Outcome retry(@PathVariable String id, Authentication user) {
        return failedMessages.retry(id, user.getName()).orElseThrow(() -> notFound(id));
    }

    @PostMapping("/failed/retry")
    public Map<String, Integer> retryAll(@RequestParam(required = false) String address,
                                         @RequestParam(required = false) String kind,
                                         @RequestParam(required = false) String reasonContains,
                                         Authentication user) {
        return Map.of("retried", failedMessages.retryAll(filter(address, kind),
                reasonContains == null || reasonContains.isBlank() ? null : reasonContains, user.getName()));
    }

    @PostMapping("/failed/{id}/discard")
    public Outcome discard(@PathVariable String id, @Valid @RequestBody DiscardRequest request, Authentication user) {
        return failedMessages.discard(id, request.reason(), user.getName()).orElseThrow(() -> notFound(id));
    }

    @GetMapping("/audit")
    public Page<AuditEvent> audit(@RequestParam(required = false) String subject,
                                  @RequestParam(defaultValue = "0") int page,
                                  @RequestParam(defaultValue = "50") int size) {
        checkPage(page, size);
        return audit.find(subject == null || subject.isBlank() ? null : subject, page, size);
    }

    /** Why the message is discarded, for the audit trail: required. */
    public record DiscardRequest(@NotBlank String reason) {
    }

    private static Filter filter(String address, String kind) {
        try {
            return new Filter(address == null || address.isBlank() ? null : address,
                    kind == null || kind.isBlank() ? null : Kind.of(kind));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private static void checkPage(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No failed message " + id);
    }
}
