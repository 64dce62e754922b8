package dev.para.dispatch.github.manifest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GitHub App manifest of para-dispatch: exactly the permissions and events the service needs,
 * its webhook, setup and redirect URLs under the service's public URL. Pure; the page that posts
 * it to GitHub is {@link #page}.
 */
public final class AppManifest {

    /** What the service does with GitHub: push branches, open PRs, comment, read repositories. */
    static final Map<String, String> PERMISSIONS =
            Map.of("contents", "write", "pull_requests", "write", "issues", "write", "metadata", "read");
    /**
     * The events it subscribes to. {@code installation} and {@code installation_repositories} reach
     * every App without a subscription (GitHub does not accept them in a manifest).
     */
    static final List<String> EVENTS = List.of("issue_comment");

    private AppManifest() {}

    /** The manifest as GitHub documents it ("Registering a GitHub App from a manifest"). */
    public static Map<String, Object> of(String name, URI publicUrl) {
        String base = publicUrl.toString().replaceAll("/+$", "");
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", name);
        manifest.put("url", base);
        manifest.put(
                "description", "Runs Claude Code sessions on our Kubernetes cluster and opens their pull requests.");
        manifest.put("hook_attributes", Map.of("url", base + "/github/webhook", "active", true));
        manifest.put("redirect_url", base + "/github/app-manifest/callback");
        // The installing user authorises the App, so the setup callback can prove who installed it.
        manifest.put("callback_urls", List.of(base + "/github/setup", base + "/github/identity/callback"));
        manifest.put("setup_url", base + "/github/setup");
        manifest.put("request_oauth_on_install", true);
        manifest.put("public", false);
        manifest.put("default_permissions", PERMISSIONS);
        manifest.put("default_events", EVENTS);
        return manifest;
    }

    /** Where the manifest is posted: the creating user's settings, or an organization's. */
    public static String formAction(URI webUrl, Optional<String> organization, String state) {
        String web = webUrl.toString().replaceAll("/+$", "");
        String path =
                organization
                                .map(org -> "/organizations/" + URLEncoder.encode(org, StandardCharsets.UTF_8))
                                .orElse("") + "/settings/apps/new";
        return web + path + "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
    }

    /** A page that posts the manifest to GitHub at once (and offers a button where scripts are off). */
    public static String page(String action, String manifestJson) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Create the para-dispatch GitHub App</title></head>
                <body>
                <form id="manifest" method="post" action="%s">
                  <input type="hidden" name="manifest" value="%s">
                  <p>GitHub will show the App's permissions and events before it creates the App.</p>
                  <button type="submit">Create the GitHub App</button>
                </form>
                <script>document.getElementById("manifest").submit();</script>
                </body>
                </html>
                """.formatted(escape(action), escape(manifestJson));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
