package com.encours.hub.finance;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.Hashes;
import com.encours.hub.core.broker.ConsumerTransaction;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.ledger.DebtorChanges;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Asks for the debtor events of some debtors to be worked out again, on the {@value HubAddresses#DEBTOR_REFRESH}
 * queue: after their items were enriched, after their master record changed in the ERP, after a bureau's
 * monitoring assessed them again, once a day for their ageing. The message is held back by the settle time ({@code hub.finance.events.settle}), so that a sync that
 * brings a debtor's items in many batches gives one round of events for all of them, not one per batch: the
 * first refresh of a debtor taken after the settle time works out its events, and the later ones, which asked
 * before that, find them worked out already (see {@link DebtorFinanceEvents}).
 * <p>
 * One message per ledger group, in that group (JMSXGroupID): a debtor's refreshes are taken one at a time.
 */
@Component
public class DebtorRefreshes implements DebtorChanges {

    /** A debtor whose events must be worked out from what the hub knows at or after {@code changedAt}. */
    public record Refresh(String debtorKey, Instant changedAt) {
    }

    private final ConsumerTransaction inputTransaction;
    private final JmsTemplate ownTransaction;
    private final Destination queue;
    private final CanonicalJson json;
    private final Clock clock;
    private final Duration settle;
    private final int ledgerGroups;

    public DebtorRefreshes(ConsumerTransaction inputTransaction, ConnectionFactory connectionFactory,
                           HubDestinations destinations, CanonicalJson json, Clock clock,
                           @Value("${hub.finance.events.settle:2s}") Duration settle,
                           @Value("${hub.flows.ledger-groups}") int ledgerGroups) {
        this.inputTransaction = inputTransaction;
        this.ownTransaction = new JmsTemplate(connectionFactory);
        this.ownTransaction.setSessionTransacted(true);
        this.queue = destinations.queue(HubAddresses.DEBTOR_REFRESH);
        this.json = json;
        this.clock = clock;
        this.settle = settle;
        this.ledgerGroups = ledgerGroups;
    }

    /**
     * In the broker transaction of the input being consumed: the refresh is asked for if and only if the input is.
     *
     * @param causeId the input's id: the same on redelivery, so that the same events are found again
     */
    public void requestWithInput(Collection<String> debtorKeys, String causeId) {
        messages(debtorKeys, causeId).forEach(message ->
                inputTransaction.send(queue, message.body(), message.properties()));
    }

    /** A debtor's master record changed (its internal limit, a block): its figures and headroom are news. */
    @Override
    public void changed(Collection<String> debtorKeys, String causeId) {
        requestWithInput(debtorKeys, causeId);
    }

    /** Outside any input (monitoring, the daily refresh): each ledger group's message is committed on its own. */
    public void request(Collection<String> debtorKeys, String causeId) {
        messages(debtorKeys, causeId).forEach(message -> ownTransaction.send(queue,
                session -> ConsumerTransaction.textMessage(session, message.body(), message.properties())));
    }

    private record Outgoing(String body, Map<String, ?> properties) {
    }

    private List<Outgoing> messages(Collection<String> debtorKeys, String causeId) {
        Instant now = clock.instant();
        Map<String, TreeSet<String>> byGroup = new TreeMap<>();
        debtorKeys.forEach(key -> byGroup.computeIfAbsent(HubMessages.ledgerGroup(key, ledgerGroups),
                group -> new TreeSet<>()).add(key));
        return byGroup.entrySet().stream().map(group -> new Outgoing(
                json.write(group.getValue().stream().map(key -> new Refresh(key, now)).toList()),
                Map.of(HubAddresses.MESSAGE_ID, "ref-" + Hashes.shortSha256(causeId + "|" + group.getKey()),
                        HubAddresses.RECORD_COUNT, group.getValue().size(),
                        "JMSXGroupID", group.getKey(),
                        HubAddresses.SCHEDULED_DELIVERY, now.plus(settle).toEpochMilli()))).toList();
    }
}
