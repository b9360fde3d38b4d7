package com.encours.hub.erp.businesscentral;

import com.encours.hub.badinput.BadInputCase;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.erp.ErpContracts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record of the bad-input corpus ({@code bad-input/erp-record}) leaves its page readable: the page
 * read hands the record over exactly as sent, between two good ones, so that its mapping quarantines it
 * alone and the rest of the page goes on.
 */
class BadRecordPageReadTest {

    private static final String GOOD = "{\"id\":\"good\",\"number\":\"G-1\",\"status\":\"Open\",\"lastModifiedDateTime\":\"2026-11-01T10:00:00Z\"}";
    private static final ConnectorInstance CONNECTOR = ErpContracts.withoutProperties("bc-unit", "erp/business-central");
    private final BusinessCentralSource source = new BusinessCentralSource(ErpContracts.partnerHttp());

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.encours.hub.erp.ErpContracts#badRecords")
    void theRecordIsHandedOverVerbatimBetweenGoodOnes(BadInputCase badCase) {
        // the page arrives as bytes and is decoded as the hub's HTTP client decodes it
        String record = new String(badCase.erpRecord(), StandardCharsets.UTF_8);
        String page = "{\"@odata.context\":\"x\",\"value\":[" + GOOD + "," + record + "," + GOOD + "]}";

        BusinessCentralSource.Page read = source.readPage(CONNECTOR, "http://bc/api/salesInvoices", page, null);

        assertThat(read.records()).extracting(BusinessCentralSource.RawRecord::raw).containsExactly(GOOD, record, GOOD);
    }
}
