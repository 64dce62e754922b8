package dev.para.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

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
        assertFalse(Redactor.redact("https://x-access-token:abcdef123456@github.com/acme/app.git").contains("abcdef123456"));
        assertFalse(Redactor.redact("Authorization: Bearer abc.def-ghi_jkl").contains("abc.def-ghi_jkl"));
        assertFalse(Redactor.redact("ANTHROPIC_API_KEY=averylongsecretvalue42").contains("averylongsecretvalue42"));
        assertEquals("Cloning into 'repo'...", Redactor.redact("Cloning into 'repo'..."));
    }

    @Test
    void aFailureIsDescribedWithItsMessagesRedacted() {
        var failure = new IllegalStateException("minting failed for ghs_16C7e42F292c6912E7710c838347Ae178B4a",
                new IllegalArgumentException("bad repository name"));
        assertEquals("IllegalStateException: minting failed for [REDACTED]; caused by IllegalArgumentException:"
                + " bad repository name", Redactor.describe(failure));
        assertEquals("IllegalArgumentException", Redactor.describe(new IllegalArgumentException()));
        assertEquals(500, Redactor.describe(new RuntimeException("x".repeat(2_000))).length());
    }
}
