package com.encours.hub.core.ledger;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.CanonicalJson;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** The ledger route's step: reads a canonical record from erp.items and applies it to the {@link Ledger}. */
@Component
public class LedgerStep {

    private final Ledger ledger;
    private final CanonicalJson json;

    public LedgerStep(Ledger ledger, CanonicalJson json) {
        this.ledger = ledger;
        this.json = json;
    }

    /** Leaves the change event as body (with its headers) or null when there is nothing to publish. */
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        String type = message.getHeader(HubAddresses.RECORD_TYPE, String.class);
        String body = message.getBody(String.class);
        if ("DEBTOR".equals(type)) {
            ledger.applyDebtor(json.read(body, Debtor.class));
            message.setBody(null);
            return;
        }
        if (!"OPEN_ITEM".equals(type)) {
            throw new InvalidMessageException("unknown " + HubAddresses.RECORD_TYPE + " '" + type + "'");
        }
        boolean redelivered = Boolean.TRUE.equals(message.getHeader("JMSRedelivered", Boolean.class));
        Optional<LedgerChange> change = ledger.applyItem(json.read(body, OpenItem.class), redelivered);
        if (change.isEmpty()) {
            message.setBody(null);
            return;
        }
        LedgerChange event = change.get();
        String eventKey = event.itemKey() + ":" + event.revision();
        HubMessages.prepareNextHop(message, "chg-" + Hashes.shortSha256(eventKey), event.debtorKey());
        message.setBody(json.write(event));
    }

}
