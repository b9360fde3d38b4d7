package com.encours.hub.erp.sap;

import com.encours.hub.badinput.BadInputCase;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.erp.ErpContracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every record of the bad-input corpus ({@code bad-input/erp-record}) leaves an OData V2 page readable:
 * the page read hands it over exactly as sent, between two good ones, for its mapping to quarantine it
 * alone. A page whose envelope is broken fails as a whole, naming what is wrong but not the data.
 */
class SapS4BadRecordPageReadTest {

    private static final String URL = "http://s4/sap/opu/odata/sap" + SapS4Source.LINE_ITEMS;
    private static final String GOOD = "{\"__metadata\":{\"uri\":\"x\"},\"CompanyCode\":\"1010\",\"AccountingDocument\":\"1800000001\"}";
    private static final ConnectorInstance CONNECTOR = ErpContracts.withoutProperties("sap-unit", "erp/sap-s4hana");
    private final SapS4Source source = new SapS4Source(ErpContracts.partnerHttp());

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.encours.hub.erp.ErpContracts#badRecords")
    void theRecordIsHandedOverVerbatimBetweenGoodOnes(BadInputCase badCase) {
        // the page arrives as bytes and is decoded as the hub's HTTP client decodes it
        String record = new String(badCase.erpRecord(), StandardCharsets.UTF_8);
        String page = "{\"d\":{\"results\":[" + GOOD + "," + record + "," + GOOD + "],\"__count\":\"3\"}}";

        SapS4Source.Page read = source.readPage(CONNECTOR, URL, page, null);

        assertThat(read.records()).containsExactly(GOOD, record, GOOD);
        assertThat(read.nextLink()).isNull();
    }

    @Test
    void nextLinkIsReadBesideTheResults() {
        SapS4Source.Page read = source.readPage(CONNECTOR, URL,
                "{\"d\":{\"__next\":\"http://s4/next?$skiptoken=40\",\"results\":[" + GOOD + "]}}", null);

        assertThat(read.records()).containsExactly(GOOD);
        assertThat(read.nextLink()).isEqualTo("http://s4/next?$skiptoken=40");
    }

    @Test
    void aBrokenEnvelopeFailsThePageWithoutQuotingIt() {
        assertThatThrownBy(() -> source.readPage(CONNECTOR, URL, "{\"d\":[" + GOOD + "]}", null))
                .isInstanceOf(PartnerException.class).hasMessageContaining("without d.results");
        assertThatThrownBy(() -> source.readPage(CONNECTOR, URL, "{\"d\":{\"results\":{\"CompanyCode\":\"1010\"}}}", null))
                .isInstanceOf(PartnerException.class).hasMessageContaining("results of the wrong JSON type");
        assertThatThrownBy(() -> source.readPage(CONNECTOR, URL, "{\"d\":{\"results\":[{\"Customer\":\"Secret NV\"", null))
                .isInstanceOf(PartnerException.class).hasMessageContaining("invalid JSON").hasMessageNotContaining("Secret NV");
        assertThatThrownBy(() -> source.readPage(CONNECTOR, URL, "{\"d\":{\"results\":[]}}{\"d\":{}}", null))
                .isInstanceOf(PartnerException.class).hasMessageContaining("more than one JSON document");
    }
}
