package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * The properties of one FEC connector instance, parsed and checked. {@link #of} runs at startup for every
 * enabled instance, so that a ratio written as "30%" stops the hub naming the property.
 */
record FecSettings(String connectorId, String company, Path inbox, Path done, Path error,
                   FecFormat.Separator separator, Charset charset, List<String> customerAccounts,
                   BigDecimal maxVanishedShare, BigDecimal minRowRatio, Duration settleTime, int pageSize) {

    static final String PROTOCOL = "fec-file";

    static FecSettings of(ConnectorInstance connector) {
        checkCurrency(connector);
        Path inbox = Path.of(connector.property("inbox")).toAbsolutePath().normalize();
        Path parent = inbox.getParent() == null ? inbox : inbox.getParent();
        return new FecSettings(connector.id(), connector.property("company"), inbox,
                directory(connector, "doneDirectory", parent.resolve("done")),
                directory(connector, "errorDirectory", parent.resolve("error")),
                separator(connector), charset(connector), customerAccounts(connector),
                ratio(connector, "maxVanishedShare"), ratio(connector, "minRowRatio"),
                connector.durationProperty("settleTime"), pageSize(connector));
    }

    /** True when {@code compteNum} is one of the customer accounts (a receivable line). */
    boolean isCustomerAccount(String compteNum) {
        String account = compteNum.trim();
        return customerAccounts.stream().anyMatch(account::startsWith);
    }

    private static Path directory(ConnectorInstance connector, String name, Path fallback) {
        String value = connector.property(name);
        return value == null || value.isBlank() ? fallback : Path.of(value).toAbsolutePath().normalize();
    }

    private static FecFormat.Separator separator(ConnectorInstance connector) {
        String value = connector.property("separator").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto" -> null;
            case "pipe", "|" -> FecFormat.Separator.PIPE;
            case "tab", "\\t" -> FecFormat.Separator.TAB;
            default -> throw invalid(connector, "separator", "must be auto, pipe or tab, was '" + value + "'");
        };
    }

    private static Charset charset(ConnectorInstance connector) {
        String value = connector.property("encoding");
        try {
            return Charset.forName(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(connector, "encoding", "unknown character set '" + value + "'");
        }
    }

    private static List<String> customerAccounts(ConnectorInstance connector) {
        List<String> prefixes = Arrays.stream(connector.property("customerAccounts").split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (prefixes.isEmpty() || prefixes.stream().anyMatch(p -> !p.matches("[0-9A-Za-z]+"))) {
            throw invalid(connector, "customerAccounts", "must be comma-separated account prefixes such as 411,416");
        }
        return prefixes;
    }

    /** Also checked here, although the mapping reads it: a wrong currency would refuse every line. */
    private static void checkCurrency(ConnectorInstance connector) {
        String value = connector.property("currency");
        try {
            Currency.getInstance(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(connector, "currency", "must be an ISO 4217 code such as EUR, was '" + value + "'");
        }
    }

    private static BigDecimal ratio(ConnectorInstance connector, String name) {
        String value = connector.property(name);
        try {
            BigDecimal ratio = new BigDecimal(value.trim());
            if (ratio.signum() < 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
                throw invalid(connector, name, "must be between 0 and 1, was " + value);
            }
            return ratio;
        } catch (NumberFormatException e) {
            throw invalid(connector, name, "must be a decimal number between 0 and 1 (e.g. 0.3), was '" + value + "'");
        }
    }

    private static int pageSize(ConnectorInstance connector) {
        int size = connector.intProperty("pageSize");
        if (size < 1 || size > 10_000) {
            throw invalid(connector, "pageSize", "must be between 1 and 10000, was " + size);
        }
        return size;
    }

    private static ConnectorConfigurationException invalid(ConnectorInstance connector, String name, String problem) {
        return new ConnectorConfigurationException(connector.descriptor().file(),
                "hub.connectors." + connector.id() + ".properties." + name, problem);
    }
}
