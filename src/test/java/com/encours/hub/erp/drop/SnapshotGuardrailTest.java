package com.encours.hub.erp.drop;

import com.encours.hub.erp.VanishedItems;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotGuardrailTest {

    private static final DropSettings DEFAULTS = new DropSettings("fec-test", "ACME-FR", Path.of("in"), Path.of("done"),
            Path.of("error"), StandardCharsets.ISO_8859_1, new BigDecimal("0.3"), new BigDecimal("0.5"), Duration.ZERO, 1000);

    @Test
    void upToTheAllowedShareOfVanishedItemsPassesOneMoreIsRefused() {
        assertThat(SnapshotGuardrail.refusal(DEFAULTS, 1000, vanished(1000, 300), 1000L)).isEmpty();
        assertThat(SnapshotGuardrail.refusal(DEFAULTS, 1000, vanished(1000, 301), 1000L)).hasValueSatisfying(reason ->
                assertThat(reason).isEqualTo("301 of the 1000 open items the hub holds for ACME-FR are absent from this "
                        + "file (30.1 %), more than maxVanishedShare 30 %: it looks truncated; nothing was applied"));
    }

    @Test
    void aFileFarShorterThanTheLastAcceptedOneIsRefusedEvenWhenNothingVanished() {
        assertThat(SnapshotGuardrail.refusal(DEFAULTS, 500, vanished(0, 0), 1000L)).isEmpty();
        assertThat(SnapshotGuardrail.refusal(DEFAULTS, 499, vanished(0, 0), 1000L)).hasValueSatisfying(reason ->
                assertThat(reason).isEqualTo("the file has 499 data lines, fewer than minRowRatio 0.5 of the 1000 of the "
                        + "last accepted file: it looks truncated; nothing was applied"));
    }

    @Test
    void theFirstFileAndAnEmptyLedgerPassWhateverTheirSize() {
        assertThat(SnapshotGuardrail.refusal(DEFAULTS, 0, vanished(0, 0), null)).isEmpty();
    }

    private static VanishedItems.Vanished vanished(long ledgerOpen, int gone) {
        return new VanishedItems.Vanished(ledgerOpen, Collections.nCopies(gone, "key"));
    }
}
