package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.erp.drop.DropSettings;

import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The FEC properties of one connector instance, parsed and checked (the file-drop properties every drop
 * shares are {@link DropSettings}).
 *
 * @param separator null to tell it from the header
 */
record FecSettings(Charset charset, FecFormat.Separator separator, List<String> customerAccounts) {

    static final String PROTOCOL = "fec-file";

    static FecSettings of(ConnectorInstance connector) {
        return new FecSettings(DropSettings.of(connector).charset(), separator(connector), customerAccounts(connector));
    }

    /** True when {@code compteNum} is one of the customer accounts (a receivable line). */
    boolean isCustomerAccount(String compteNum) {
        String account = compteNum.trim();
        return customerAccounts.stream().anyMatch(account::startsWith);
    }

    private static FecFormat.Separator separator(ConnectorInstance connector) {
        String value = connector.property("separator").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto" -> null;
            case "pipe", "|" -> FecFormat.Separator.PIPE;
            case "tab", "\\t" -> FecFormat.Separator.TAB;
            default -> throw DropSettings.invalid(connector, "separator", "must be auto, pipe or tab, was '" + value + "'");
        };
    }

    private static List<String> customerAccounts(ConnectorInstance connector) {
        List<String> prefixes = Arrays.stream(connector.property("customerAccounts").split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (prefixes.isEmpty() || prefixes.stream().anyMatch(p -> !p.matches("[0-9A-Za-z]+"))) {
            throw DropSettings.invalid(connector, "customerAccounts", "must be comma-separated account prefixes such as 411,416");
        }
        return prefixes;
    }
}
