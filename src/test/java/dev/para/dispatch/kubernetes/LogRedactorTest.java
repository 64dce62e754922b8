package dev.para.dispatch.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class LogRedactorTest {

    @Test
    void credentialsOfEveryShapeAreHidden() {
        String[] secrets = {
                "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "sk-ant-api03-AbCdEfGhIjKlMnOp",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl",
        };
        for (String secret : secrets) {
            String line = LogRedactor.redact("before " + secret + " after");
            assertFalse(line.contains(secret), line);
            assertEquals("before [REDACTED] after", line);
        }
        assertFalse(LogRedactor.redact("https://x-access-token:abcdef123456@github.com/acme/app.git").contains("abcdef123456"));
        assertFalse(LogRedactor.redact("Authorization: Bearer abc.def-ghi_jkl").contains("abc.def-ghi_jkl"));
        assertFalse(LogRedactor.redact("ANTHROPIC_API_KEY=averylongsecretvalue42").contains("averylongsecretvalue42"));
        assertEquals("Cloning into 'repo'...", LogRedactor.redact("Cloning into 'repo'..."));
    }
}
