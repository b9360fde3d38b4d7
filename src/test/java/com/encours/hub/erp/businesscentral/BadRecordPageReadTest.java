package com.encours.hub.erp.businesscentral;

import com.encours.hub.badinput.BadInputCase;
import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record of the bad-input corpus ({@code bad-input/erp-record}) leaves its page readable: the page
 * read hands the record over exactly as sent, between two good ones, so that its mapping quarantines it
 * alone and the rest of the page goes on.
 */
class BadRecordPageReadTest {

    private static final String GOOD = "{\"id\":\"good\",\"number\":\"G-1\",\"status\":\"Open\",\"lastModifiedDateTime\":\"2026-11-01T10:00:00Z\"}";
    private static ConnectorInstance connector;
    private final BusinessCentralSource source = new BusinessCentralSource(new PartnerHttp(new SimpleMeterRegistry()));

    @BeforeAll
    static void connector() {
        ConnectorDescriptor descriptor = ConnectorCatalog.loadDescriptors(Path.of("connectors")).get("erp/business-central");
        connector = new ConnectorInstance("bc-unit", descriptor, true, Duration.ofMinutes(1), Map.of());
    }

    static List<BadInputCase> records() {
        return BadInputCase.load("erp-record");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void theRecordIsHandedOverVerbatimBetweenGoodOnes(BadInputCase badCase) {
        // the page arrives as bytes and is decoded as the hub's HTTP client decodes it
        String record = new String(badCase.erpRecord(), StandardCharsets.UTF_8);
        String page = "{\"@odata.context\":\"x\",\"value\":[" + GOOD + "," + record + "," + GOOD + "]}";

        BusinessCentralSource.Page read = source.readPage(connector, "http://bc/api/salesInvoices", page, null);

        assertThat(read.records()).extracting(BusinessCentralSource.RawRecord::raw).containsExactly(GOOD, record, GOOD);
    }
}
