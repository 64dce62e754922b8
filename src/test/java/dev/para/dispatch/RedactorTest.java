package dev.para.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {

    @Test
    void credentialsOfEveryShapeAreHidden() {
        String[] secrets = {
            "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "sk-ant-api03-AbCdEfGhIjKlMnOp",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl",
        };
        for (String secret : secrets) {
            String line = Redactor.redact("before " + secret + " after");
            assertFalse(line.contains(secret), line);
            assertEquals("before [REDACTED] after", line);
        }
        assertFalse(Redactor.redact("https://x-access-token:abcdef123456@github.com/acme/app.git")
                .contains("abcdef123456"));
        assertFalse(Redactor.redact("Authorization: Bearer abc.def-ghi_jkl").contains("abc.def-ghi_jkl"));
        assertFalse(Redactor.redact("ANTHROPIC_API_KEY=averylongsecretvalue42").contains("averylongsecretvalue42"));
        assertEquals("Cloning into 'repo'...", Redactor.redact("Cloning into 'repo'..."));
    }

    @Test
    void aFailureIsDescribedWithItsMessagesRedacted() {
        var failure = new IllegalStateException(
                "minting failed for ghs_16C7e42F292c6912E7710c838347Ae178B4a",
                new IllegalArgumentException("bad repository name"));
        assertEquals(
                "IllegalStateException: minting failed for [REDACTED]; caused by IllegalArgumentException:"
                        + " bad repository name",
                Redactor.describe(failure));
        assertEquals("IllegalArgumentException", Redactor.describe(new IllegalArgumentException()));
        assertEquals(
                500, Redactor.describe(new RuntimeException("x".repeat(2_000))).length());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Basic credentials          | Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==   | dXNlcjpwYXNzd29yZDEyMw",
                "an AWS access key id       | key AKIAIOSFODNN7EXAMPLE in use                | AKIAIOSFODNN7EXAMPLE",
                "an AWS secret access key   | aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY | wJalrXUtnFEMI",
                "a URL credential           | https://bot:s3cr3t-pass@git.example.com/x.git | s3cr3t-pass",
            })
    void moreCredentialShapesAreHidden(String name, String line, String secret) {
        String redacted = Redactor.redact(line);
        assertFalse(redacted.contains(secret), name + ": " + redacted);
        assertTrue(redacted.contains(Redactor.REDACTED), name + ": " + redacted);
    }

    /** A private key printed over several lines of a log: every line of it, not only the BEGIN line. */
    @Test
    void aPrivateKeyOverSeveralLogLinesIsHiddenLineByLine() {
        Redactor.Lines lines = new Redactor.Lines();
        List<String> out = List.of(
                        "before",
                        "-----BEGIN RSA PRIVATE KEY-----",
                        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo",
                        "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
                        "-----END RSA PRIVATE KEY-----",
                        "after")
                .stream()
                .map(lines::redact)
                .toList();
        assertEquals(
                List.of("before", Redactor.REDACTED, Redactor.REDACTED, Redactor.REDACTED, Redactor.REDACTED, "after"),
                out);
    }

    /** Lines made to make a backtracking pattern slow are redacted all the same (the time: bench/redactor.sh). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"eyJ", "ghp_", "bearer ", "https://a:", "token=", "-----BEGIN PRIVATE KEY-----"})
    void hostileRepetitionsAreHandled(String unit) {
        String line = unit.repeat(60_000 / unit.length());
        String redacted = Redactor.redact(line);
        assertTrue(redacted.length() <= line.length() + Redactor.REDACTED.length() * 100_000);
    }
}
