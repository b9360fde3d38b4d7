package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Currency;

/**
 * The properties every file-drop connector has (directories, company, guardrail, paging), parsed and
 * checked at startup so that a ratio written as "30%" stops the hub naming the property.
 */
public record DropSettings(String connectorId, String company, Path inbox, Path done, Path error, Charset charset,
                           BigDecimal maxVanishedShare, BigDecimal minRowRatio, Duration settleTime, int pageSize) {

    public static DropSettings of(ConnectorInstance connector) {
        checkCurrency(connector);
        Path inbox = Path.of(connector.property("inbox")).toAbsolutePath().normalize();
        Path parent = inbox.getParent() == null ? inbox : inbox.getParent();
        return new DropSettings(connector.id(), connector.property("company"), inbox,
                directory(connector, "doneDirectory", parent.resolve("done")),
                directory(connector, "errorDirectory", parent.resolve("error")), charset(connector),
                ratio(connector, "maxVanishedShare"), ratio(connector, "minRowRatio"),
                connector.durationProperty("settleTime"), pageSize(connector));
    }

    public static ConnectorConfigurationException invalid(ConnectorInstance connector, String name, String problem) {
        return new ConnectorConfigurationException(connector.descriptor().file(),
                "hub.connectors." + connector.id() + ".properties." + name, problem);
    }

    private static Path directory(ConnectorInstance connector, String name, Path fallback) {
        String value = connector.property(name);
        return value == null || value.isBlank() ? fallback : Path.of(value).toAbsolutePath().normalize();
    }

    /** UTF-8 for a format that declares its own encoding (XML), whose descriptor has no such property. */
    private static Charset charset(ConnectorInstance connector) {
        if (!connector.descriptor().spec().definition().properties().containsKey("encoding")) {
            return StandardCharsets.UTF_8;
        }
        String value = connector.property("encoding");
        try {
            return Charset.forName(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(connector, "encoding", "unknown character set '" + value + "'");
        }
    }

    /** Also checked here, although the mapping reads it: a wrong currency would refuse every record. */
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
}
