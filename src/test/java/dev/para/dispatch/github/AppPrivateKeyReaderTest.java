package dev.para.dispatch.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import org.junit.jupiter.api.Test;

class AppPrivateKeyReaderTest {

    static String pem(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/github", name));
    }

    /** A key made here (the playground App's) is written as PKCS#8 PEM and read back the same. */
    @Test
    void aKeyWrittenAsPemIsReadBack() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.PrivateKey key = generator.generateKeyPair().getPrivate();
        assertEquals(key, AppPrivateKeyReader.read(AppPrivateKeyReader.pem(key)));
    }

    @Test
    void readsPkcs1AsGitHubDownloadsIt() throws IOException {
        RSAPrivateKey key = AppPrivateKeyReader.read(pem("app-private-key-pkcs1.pem"));
        assertEquals(2048, key.getModulus().bitLength());
    }

    @Test
    void pkcs1AndPkcs8GiveTheSameKey() throws IOException {
        RSAPrivateKey pkcs1 = AppPrivateKeyReader.read(pem("app-private-key-pkcs1.pem"));
        RSAPrivateKey pkcs8 = AppPrivateKeyReader.read(pem("app-private-key-pkcs8.pem"));
        assertEquals(pkcs1.getModulus(), pkcs8.getModulus());
        assertEquals(pkcs1.getPrivateExponent(), pkcs8.getPrivateExponent());
    }

    @Test
    void readsAKeyWhoseNewlinesWereEscapedInAnEnvironmentVariable() throws IOException {
        String escaped = pem("app-private-key-pkcs1.pem").replace("\n", "\\n");
        assertEquals(
                AppPrivateKeyReader.read(pem("app-private-key-pkcs1.pem")).getModulus(),
                AppPrivateKeyReader.read(escaped).getModulus());
    }

    @Test
    void refusesGarbageWithoutEchoingIt() throws IOException {
        String pem = pem("app-private-key-pkcs1.pem");
        String body = pem.split("\n")[3];
        String broken = pem.replace(body, body.substring(0, 10) + "%%%%" + body.substring(14));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AppPrivateKeyReader.read(broken));
        assertFalse(e.getMessage().contains(body.substring(0, 10)));
        assertThrows(IllegalArgumentException.class, () -> AppPrivateKeyReader.read("not a key"));
        assertThrows(IllegalArgumentException.class, () -> AppPrivateKeyReader.read(pem("app-public-key.pem")));
    }
}
