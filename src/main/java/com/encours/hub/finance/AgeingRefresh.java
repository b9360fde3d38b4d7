package com.encours.hub.finance;

import com.encours.hub.core.ConnectorLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * Once a day ({@code hub.finance.events.daily-refresh-cron}), refreshes every debtor the events have told of:
 * its items age with the calendar (a bucket, what is overdue, the DSO window) even when no ERP sends anything,
 * and finance gets exposure.changed — and limit.breached — for the new day without waiting for a change. With
 * several hub instances, the first to take the day's lease sends the refreshes.
 */
@Component
public class AgeingRefresh implements DisposableBean {

    /** Debtors per request: a refresh message stays a short transaction. */
    private static final int CHUNK = 200;
    private static final Logger log = LoggerFactory.getLogger(AgeingRefresh.class);

    private final FinanceEventStore store;
    private final DebtorRefreshes refreshes;
    private final ConnectorLease lease;
    private final Clock clock;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public AgeingRefresh(FinanceEventStore store, DebtorRefreshes refreshes, ConnectorLease lease, Clock clock,
                         @Value("${hub.finance.events.daily-refresh-cron:0 5 0 * * *}") String cron) {
        this.store = store;
        this.refreshes = refreshes;
        this.lease = lease;
        this.clock = clock;
        scheduler.setThreadNamePrefix("ageing-refresh-");
        scheduler.initialize();
        scheduler.schedule(this::refreshToday, new CronTrigger(cron, clock.getZone()));
    }

    /** @return the number of debtors refreshed; 0 when another instance refreshed in the last 23 hours */
    public int refresh(LocalDate day) {
        // held until shortly before the next day's run: one instance refreshes, once a day
        if (!lease.acquire("finance:ageing-refresh", Duration.ofHours(23))) {
            return 0;
        }
        List<String> debtors = store.debtorsPublished();
        for (int from = 0; from < debtors.size(); from += CHUNK) {
            refreshes.request(debtors.subList(from, Math.min(debtors.size(), from + CHUNK)),
                    "ageing:" + day + ":" + from);
        }
        return debtors.size();
    }

    private void refreshToday() {
        LocalDate today = LocalDate.now(clock);
        try {
            log.info("Ageing of {}: {} debtor(s) refreshed", today, refresh(today));
        } catch (RuntimeException e) {
            log.error("Ageing of {} not refreshed: {}", today, e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
