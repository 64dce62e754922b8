package dev.para.dispatch.github.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppManifestTest {

    @Test
    void asksForExactlyWhatTheServiceUsesUnderItsPublicUrl() {
        Map<String, Object> manifest = AppManifest.of("para-acme", URI.create("https://para.acme.dev/"));
        assertEquals("para-acme", manifest.get("name"));
        assertEquals(
                Map.of("url", "https://para.acme.dev/github/webhook", "active", true), manifest.get("hook_attributes"));
        assertEquals("https://para.acme.dev/github/app-manifest/callback", manifest.get("redirect_url"));
        assertEquals(
                List.of("https://para.acme.dev/github/setup", "https://para.acme.dev/github/identity/callback"),
                manifest.get("callback_urls"));
        assertEquals(true, manifest.get("request_oauth_on_install"));
        assertEquals(false, manifest.get("public"));
        assertEquals(
                Map.of("contents", "write", "pull_requests", "write", "issues", "write", "metadata", "read"),
                manifest.get("default_permissions"));
        assertEquals(List.of("issue_comment"), manifest.get("default_events"));
    }

    @Test
    void postsToTheUserOrTheOrganizationAndEscapesTheManifest() {
        URI web = URI.create("https://github.com");
        assertEquals(
                "https://github.com/settings/apps/new?state=a%2Bb",
                AppManifest.formAction(web, Optional.empty(), "a+b"));
        assertEquals(
                "https://github.com/organizations/acme/settings/apps/new?state=s",
                AppManifest.formAction(web, Optional.of("acme"), "s"));
        String page = AppManifest.page("https://github.com/settings/apps/new?state=s&x=1", "{\"name\":\"<b>\"}");
        assertTrue(page.contains("value=\"{&quot;name&quot;:&quot;&lt;b&gt;&quot;}\""), page);
        assertTrue(page.contains("action=\"https://github.com/settings/apps/new?state=s&amp;x=1\""), page);
        assertFalse(page.contains("<b>"));
    }
}
