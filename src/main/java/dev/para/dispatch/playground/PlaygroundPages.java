package dev.para.dispatch.playground;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/** The playground's plain HTML: the pull requests the service opened, each with its diff. Pure. */
final class PlaygroundPages {

    private PlaygroundPages() {}

    static String pulls(List<JsonNode> pulls, Function<JsonNode, String> diff, String forgeUrl) {
        StringBuilder page = new StringBuilder(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>para-dispatch playground:"
                        + " pull requests</title><style>body{font-family:sans-serif;margin:2em;max-width:70em}"
                        + "pre{background:#f6f8fa;padding:1em;overflow:auto}.add{color:#1a7f37}.del{color:#cf222e}"
                        + ".meta{color:#57606a}</style></head><body><h1>Pull requests at the playground's forge</h1>");
        page.append("<p class=\"meta\">The forge stands in for GitHub at ")
                .append(escape(forgeUrl))
                .append(". Nothing here left this machine.</p>");
        if (pulls.isEmpty()) {
            page.append("<p>No pull request yet: dispatch a session.</p>");
        }
        for (JsonNode pull : pulls) {
            page.append("<section id=\"pr-")
                    .append(pull.path("number").asInt())
                    .append("\"><h2>#")
                    .append(pull.path("number").asInt())
                    .append(' ')
                    .append(escape(pull.path("title").asText()))
                    .append("</h2><p class=\"meta\">")
                    .append(escape(pull.path("repository").asText()))
                    .append(": ")
                    .append(escape(pull.path("head").path("ref").asText()))
                    .append(" into ")
                    .append(escape(pull.path("base").path("ref").asText()))
                    .append(", ")
                    .append(pull.path("draft").asBoolean() ? "draft" : "ready for review")
                    .append(", ")
                    .append(escape(pull.path("state").asText()))
                    .append("</p><pre>");
            for (String line : diff.apply(pull).split("\n", -1)) {
                String css = line.startsWith("+") && !line.startsWith("+++")
                        ? "add"
                        : line.startsWith("-") && !line.startsWith("---") ? "del" : null;
                page.append(css == null ? "" : "<span class=\"" + css + "\">")
                        .append(escape(line))
                        .append(css == null ? "" : "</span>")
                        .append('\n');
            }
            page.append("</pre><details><summary>Description</summary><pre>")
                    .append(escape(pull.path("body").asText()))
                    .append("</pre></details></section>");
        }
        return page.append("</body></html>").toString();
    }

    static String notFound() {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not Found</title></head>"
                + "<body><h1>Not Found</h1></body></html>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
