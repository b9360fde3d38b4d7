package com.encours.hub.identity.vies;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VAT numbers as ERPs and people write them, turned into what VIES takes, or refused before asking it. */
class VatNumberTest {

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource({
            "BE, BE0417497106, BE, 0417497106",
            "be, 'BE 0417.497.106', BE, 0417497106",
            "FR, FR40303265045, FR, 40303265045",
            "NL, nl854265259b01, NL, 854265259B01",
            "GR, GR094259216, EL, 094259216",
            "EL, EL094259216, EL, 094259216",
            "GR, 094259216, EL, 094259216",
            "XI, XI123456789, XI, 123456789",
            "AT, ATU-13585627, AT, U13585627",
            "IE, 'IE 1234567 FA', IE, 1234567FA",
            "DE, 100, DE, 100"})
    void numberIsNormalisedToVatNumberWithoutPrefix(String country, String written, String viesCountry, String number) {
        assertThat(VatNumber.of(country, written)).isEqualTo(new VatNumber(viesCountry, number));
    }

    @ParameterizedTest(name = "{0} {1} is refused")
    @CsvSource({
            "GB, GB123456789, 'is not a country VIES answers for'",
            "US, 123456789, 'is not a country VIES answers for'",
            "'', 123456789, 'is not a country VIES answers for'",
            "BE, BE, 'is not a VAT number VIES can check for BE'",
            "BE, '', 'is not a VAT number VIES can check for BE'",
            "FR, FR1234567890123, 'is not a VAT number VIES can check for FR'",
            "DE, 'DE12345678#', 'is not a VAT number VIES can check for DE'"})
    void numberViesCannotAnswerForIsRefusedSayingWhy(String country, String written, String reason) {
        assertThatThrownBy(() -> VatNumber.of(country, written)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
