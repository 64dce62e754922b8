package dev.para.dispatch.github.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>} in constant time,
 * as GitHub documents under "Validating webhook deliveries". Exactly what GitHub sends is accepted:
 * the {@code sha256=} prefix and 64 lower-case hex digits; any other spelling of the same digest
 * (upper case, another prefix) is refused. One {@link Mac} per thread, because
 * a Mac is not thread-safe and creating one per request costs more than the HMAC itself.
 */
public final class WebhookSignature {

    private static final String PREFIX = "sha256=";
    private static final int HMAC_BYTES = 32;

    private final ThreadLocal<Mac> macs;

    public WebhookSignature(String secret) {
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** Whether the header is a valid signature of exactly these bytes. */
    public boolean verify(byte[] body, String header) {
        if (header == null || !header.startsWith(PREFIX) || header.length() != PREFIX.length() + 2 * HMAC_BYTES) {
            return false;
        }
        for (int i = PREFIX.length(); i < header.length(); i++) {
            char c = header.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        byte[] claimed = HexFormat.of().parseHex(header, PREFIX.length(), header.length());
        return MessageDigest.isEqual(sign(body), claimed);
    }

    /** The HMAC-SHA256 of the body. */
    public byte[] sign(byte[] body) {
        return macs.get().doFinal(body);
    }

    /** The header value GitHub would send for this body. */
    public String header(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(sign(body));
    }
}
