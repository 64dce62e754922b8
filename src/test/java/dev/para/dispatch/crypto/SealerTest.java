package dev.para.dispatch.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealerTest {

    private static final String K1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String K2 = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    static Sealer sealer(Map<String, String> keys, String active) {
        return sealer(keys, null, active);
    }

    static Sealer sealer(Map<String, String> keys, Path keysDir, String active) {
        return new Sealer(new CryptoConfig() {
            public Map<String, String> keys() {
                return keys;
            }

            public Optional<Path> keysDir() {
                return Optional.ofNullable(keysDir);
            }

            public Optional<String> activeKey() {
                return Optional.ofNullable(active);
            }

            public Duration resealInterval() {
                return Duration.ofHours(1);
            }
        });
    }

    @Test
    void sealsAndOpensWithTheKeyIdInside() {
        Sealer sealer = sealer(Map.of("k1", K1), "k1");
        String sealed = sealer.seal("ghs_secret-token", "installation-token");
        assertTrue(sealed.startsWith("v1:k1:"));
        assertFalse(sealed.contains("ghs_secret-token"));
        assertEquals("k1", Sealer.keyIdOf(sealed));
        assertEquals("ghs_secret-token", sealer.open(sealed, "installation-token"));
        assertNotEquals(sealed, sealer.seal("ghs_secret-token", "installation-token"), "a fresh nonce each time");
    }

    /** The layout of a mounted Secret: a file per key, linked through Kubernetes' {@code ..data} directory. */
    @Test
    void readsTheKeyRingFromAMountedSecret(@TempDir Path mount) throws IOException {
        Path data = Files.createDirectory(mount.resolve("..2026_11_23_10_00_00.1"));
        Files.writeString(data.resolve("k1"), K1 + "\n");
        Files.writeString(data.resolve("k2"), K2);
        Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(mount.resolve("k1"), Path.of("..data/k1"));
        Files.createSymbolicLink(mount.resolve("k2"), Path.of("..data/k2"));
        String sealedWithK1 = sealer(Map.of("k1", K1), "k1").seal("value", "p");
        Sealer fromMount = sealer(Map.of(), mount, "k2");
        assertEquals("value", fromMount.open(sealedWithK1, "p"));
        assertEquals("k2", Sealer.keyIdOf(fromMount.seal("value", "p")));
        assertThrows(SealingException.class, () -> sealer(Map.of(), mount, "k3"));
    }

    @Test
    void oldKeysStillOpenAfterRotation() {
        String sealedWithK1 = sealer(Map.of("k1", K1), "k1").seal("value", "p");
        Sealer rotated = sealer(Map.of("k1", K1, "k2", K2), "k2");
        assertEquals("value", rotated.open(sealedWithK1, "p"));
        assertEquals("k2", Sealer.keyIdOf(rotated.seal("value", "p")));
    }

    @Test
    void refusesWrongPurposeTamperingAndUnknownKeys() {
        Sealer sealer = sealer(Map.of("k1", K1), "k1");
        String sealed = sealer.seal("value", "installation-token");
        assertThrows(SealingException.class, () -> sealer.open(sealed, "credential"));
        char last = sealed.charAt(sealed.length() - 1);
        String tampered = sealed.substring(0, sealed.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThrows(SealingException.class, () -> sealer.open(tampered, "installation-token"));
        assertThrows(
                SealingException.class, () -> sealer(Map.of("k2", K2), "k2").open(sealed, "installation-token"));
        assertThrows(SealingException.class, () -> sealer.open("plaintext", "installation-token"));
    }

    /** A value sealed for a row opens there only: not in another row, not for another account, not unbound. */
    @Test
    void aBoundValueOpensOnlyInItsRowOfItsAccount() {
        Sealer sealer = sealer(Map.of("k1", K1), "k1");
        String sealed = sealer.seal("sk-ant-secret", "credential", new Sealer.Binding("anthropic", "acme"));
        assertTrue(sealed.startsWith("v2:k1:"), sealed);
        assertEquals("sk-ant-secret", sealer.open(sealed, "credential", new Sealer.Binding("anthropic", "acme")));
        for (Sealer.Binding elsewhere : List.of(
                new Sealer.Binding("anthropic", "globex"),
                new Sealer.Binding("other", "acme"),
                new Sealer.Binding("anthropic\0acme", ""))) {
            SealingException refused =
                    assertThrows(SealingException.class, () -> sealer.open(sealed, "credential", elsewhere));
            assertFalse(refused.getMessage().contains("sk-ant"), refused.getMessage());
        }
        assertThrows(SealingException.class, () -> sealer.open(sealed, "credential"));
        // a value sealed before rows were bound still opens where it is, until it is re-sealed
        String unbound = sealer.seal("old", "credential");
        assertTrue(Sealer.isUnbound(unbound));
        assertEquals("old", sealer.open(unbound, "credential", new Sealer.Binding("anthropic", "acme")));
    }

    @Test
    void refusesBadKeyConfiguration() {
        assertThrows(SealingException.class, () -> sealer(Map.of("k1", "c2hvcnQ="), "k1"));
        assertThrows(SealingException.class, () -> sealer(Map.of("k1", K1), "k9"));
        SealingException missing = assertThrows(
                SealingException.class, () -> sealer(Map.of(), null).seal("v", "p"));
        assertTrue(missing.getMessage().contains("para.crypto.active-key"));
    }

    /** A key directory that changes under a running service is re-read; losing the active key is reported. */
    @Test
    void aKeyDirectoryThatLosesTheActiveKeyIsReportedAndTheRingInUseKept(@TempDir Path mount) throws IOException {
        Files.writeString(mount.resolve("k1"), K1);
        Sealer sealer = sealer(Map.of(), mount, "k1");
        String sealed = sealer.seal("value", "p");
        assertEquals(Optional.empty(), sealer.recheck());

        Files.writeString(mount.resolve("k2"), K2);
        assertEquals(Optional.empty(), sealer.recheck(), "a key added by a rotation is taken");

        Files.delete(mount.resolve("k1"));
        Optional<String> problem = sealer.recheck();
        assertTrue(problem.isPresent() && problem.get().contains("'k1'"), problem.toString());
        assertEquals("value", sealer.open(sealed, "p"), "the ring read before stays in use");

        Files.writeString(mount.resolve("k1"), "bm90IGEga2V5");
        assertTrue(sealer.recheck().orElseThrow().contains("32 bytes"));
    }
}
