package dev.para.dispatch.crypto;

import dev.para.dispatch.Redactor;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest with AES-256-GCM from a key ring.
 *
 * <p>A sealed value reads {@code v2:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>}: the key id
 * travels inside every ciphertext, so new values use the active key while rows sealed with an
 * older key still open. Bound as associated data: the purpose (which names the table and column),
 * and for a stored value its {@link Binding} (the row and the owning account), so a value sealed
 * for one purpose (an installation token) cannot be passed off as another (a registry password),
 * nor a ciphertext copied to another row or another account's row be opened there. {@code v1}
 * values (purpose only, written before rows were bound) still open; {@link ResealJob} rewrites
 * them bound.
 */
@Startup
@Singleton
public class Sealer {

    /** Purpose only: short-lived values that live in no row (browser states), and rows sealed before v2. */
    private static final String UNBOUND = "v1";
    /** Purpose, row and account. */
    private static final String BOUND = "v2";

    /**
     * Where a sealed value lives: the key of its row, as text, and the account that owns the row
     * ("" for rows no account owns: installation tokens, the App's secrets).
     */
    public record Binding(String row, String account) {

        public Binding {
            java.util.Objects.requireNonNull(row, "row");
            account = account == null ? "" : account;
        }
    }

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final CryptoConfig config;
    private final Optional<String> activeKeyId;
    private final SecureRandom random = new SecureRandom();
    /** The ring in use; replaced whole when a re-read of the key directory finds a sound one. */
    private volatile Map<String, SecretKey> keys;

    /**
     * Reads and checks the key ring, at start ({@link Startup}): a missing, malformed or absent
     * active key stops the service from starting, with the reason, instead of failing its first
     * request that seals something.
     */
    public Sealer(CryptoConfig config) {
        this.config = config;
        this.activeKeyId = config.activeKey();
        Map<String, SecretKey> ring = readRing();
        check(ring);
        this.keys = ring;
    }

    /**
     * Reads the ring again (a mounted key directory may have changed) and checks that the active key
     * seals and opens. A sound ring replaces the one in use; otherwise the old one stays and the
     * problem is returned, for readiness to report.
     */
    public Optional<String> recheck() {
        try {
            Map<String, SecretKey> ring = readRing();
            check(ring);
            keys = ring;
            return Optional.empty();
        } catch (SealingException e) {
            return Optional.of(e.getMessage());
        }
    }

    private Map<String, SecretKey> readRing() {
        Map<String, SecretKey> ring = new HashMap<>();
        config.keys().forEach((id, encoded) -> ring.put(id, decodeKey(id, encoded)));
        config.keysDir().ifPresent(dir -> readKeys(dir).forEach((id, encoded) -> ring.put(id, decodeKey(id, encoded))));
        return Map.copyOf(ring);
    }

    /** The active key is named, in the ring, and seals a value that opens again. */
    private void check(Map<String, SecretKey> ring) {
        String id = activeKeyId.orElseThrow(
                () -> new SealingException(
                        "No sealing key configured: set para.crypto.keys.<id> (or para.crypto.keys-dir) and para.crypto.active-key"));
        if (!ring.containsKey(id)) {
            throw new SealingException("para.crypto.active-key names key '" + id
                    + "', which is neither in para.crypto.keys nor in para.crypto.keys-dir");
        }
        String probe = "key ring check";
        Binding where = new Binding("probe", "");
        if (!probe.equals(open(ring, seal(ring, probe, "key-ring-check", where), "key-ring-check", where))) {
            throw new SealingException("The active sealing key '" + id + "' does not open what it sealed");
        }
    }

    /** The keys of a mounted Secret: one file per key; Kubernetes' own {@code ..data} links are skipped. */
    private static Map<String, String> readKeys(Path dir) {
        Map<String, String> found = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String id = file.getFileName().toString();
                if (!id.startsWith(".")) {
                    found.put(
                            id,
                            Files.readString(file, StandardCharsets.US_ASCII).strip());
                }
            }
        } catch (IOException e) {
            throw new SealingException(
                    "The sealing key directory " + dir + " cannot be read (" + Redactor.describe(e) + ")");
        }
        return found;
    }

    /** The id of the key that seals new values. */
    public String activeKeyId() {
        return activeKeyId.orElseThrow(() -> new SealingException(
                "No sealing key configured: set para.crypto.keys.<id> and para.crypto.active-key"));
    }

    /** Seals a value that lives in no row (a browser state): bound to its purpose only. */
    public String seal(String plaintext, String purpose) {
        return seal(keys, plaintext, purpose, null);
    }

    /** Seals a value stored in a row: bound to its purpose, the row and its account. */
    public String seal(String plaintext, String purpose, Binding where) {
        return seal(keys, plaintext, purpose, java.util.Objects.requireNonNull(where, "where"));
    }

    private String seal(Map<String, SecretKey> ring, String plaintext, String purpose, Binding where) {
        String keyId = activeKeyId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ring.get(keyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(purpose, where));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return (where == null ? UNBOUND : BOUND) + ":" + keyId + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new SealingException("Sealing failed (" + Redactor.describe(e) + ")");
        }
    }

    /** Opens a value that lives in no row. */
    public String open(String sealedValue, String purpose) {
        return open(keys, sealedValue, purpose, null);
    }

    /**
     * Opens a value stored in the row {@code where}: a bound value only there, an older unbound
     * one (until re-sealed) by its purpose alone.
     */
    public String open(String sealedValue, String purpose, Binding where) {
        return open(keys, sealedValue, purpose, java.util.Objects.requireNonNull(where, "where"));
    }

    /** Whether the value was sealed before rows were bound, and wants re-sealing. */
    public static boolean isUnbound(String sealedValue) {
        return sealedValue.startsWith(UNBOUND + ":");
    }

    private static String open(Map<String, SecretKey> ring, String sealedValue, String purpose, Binding where) {
        String[] parts = sealedValue.split(":", 3);
        boolean bound = parts.length == 3 && BOUND.equals(parts[0]);
        if (parts.length != 3 || !(bound || UNBOUND.equals(parts[0]))) {
            throw new SealingException("Not a sealed value of a known version");
        }
        if (bound && where == null) {
            throw new SealingException("A value sealed for a row was presented where no row is");
        }
        SecretKey key = ring.get(parts[1]);
        if (key == null) {
            throw new SealingException("Sealed with key '" + parts[1] + "', which is not in the key ring");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(purpose, bound ? where : null));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SealingException(
                    bound
                            ? "Sealed value does not open: wrong key, purpose, row or account, or tampered data"
                            : "Sealed value does not open: wrong key, purpose or tampered data");
        }
    }

    /** The purpose alone, or the purpose, the row and the account, NUL-separated (none of them holds a NUL). */
    private static byte[] associatedData(String purpose, Binding where) {
        String data = where == null ? purpose : purpose + "\0" + where.row() + "\0" + where.account();
        return data.getBytes(StandardCharsets.UTF_8);
    }

    /** The key id a sealed value names, without opening it. */
    public static String keyIdOf(String sealedValue) {
        String[] parts = sealedValue.split(":", 3);
        if (parts.length != 3) {
            throw new SealingException("Not a sealed value");
        }
        return parts[1];
    }

    private static SecretKey decodeKey(String id, String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new SealingException("Sealing key '" + id + "' is not valid base64");
        }
        if (raw.length != 32) {
            throw new SealingException("Sealing key '" + id + "' must be 32 bytes (AES-256), it is " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
