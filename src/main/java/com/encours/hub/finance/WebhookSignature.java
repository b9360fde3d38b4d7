package com.encours.hub.finance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * HMAC-SHA256 signature of a webhook delivery, over "timestamp.body" so that a captured delivery cannot
 * be replayed later with a new timestamp. Header: {@code X-Encours-Signature: t=<epoch s>,v1=<hex>}.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Encours-Signature";

    private WebhookSignature() {
    }

    public static String sign(String secret, long epochSeconds, String body) {
        return "t=" + epochSeconds + ",v1=" + hmac(secret, epochSeconds + "." + body);
    }

    /** For receivers: true when the header was made with this secret over this body. */
    public static boolean verify(String secret, String header, String body) {
        if (header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
            return false;
        }
        String timestamp = header.substring(2, header.indexOf(','));
        String expected = hmac(secret, timestamp + "." + body);
        String given = header.substring(header.indexOf(",v1=") + 4);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hmac(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the JVM specification", e);
        }
    }
}
