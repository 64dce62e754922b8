package dev.para.dispatch.session;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The body of a session's tracking comment, from the session as the API shows it: a table of its
 * instances (state and why, elapsed time, turns, cost, branch, pull request), the total cost, a
 * link to the session, and, once every instance of a best-of-N session has ended, a comparison
 * with each agent's own summary. Reasons and summaries are agents' words: sanitized, and quoted.
 * A hidden marker names the session, so that a replica that lost the comment's id finds it again
 * instead of posting a second one. Pure.
 */
final class TrackingComment {

    private TrackingComment() {}

    /** Where the API shows the session, when the service knows its public URL. */
    static Optional<String> apiUrl(Optional<java.net.URI> publicUrl, UUID sessionId) {
        return publicUrl.map(url -> url.toString().replaceAll("/+$", "") + "/api/v1/sessions/" + sessionId);
    }

    /** The marker every tracking comment starts with. */
    static String marker(UUID sessionId) {
        return "<!-- para-session:" + sessionId + " -->";
    }

    static String render(SessionView s, Optional<String> sessionUrl, String handle, Instant now) {
        return marker(s.id()) + "\n" + body(s, sessionUrl, handle, now);
    }

    /** The comment without its marker: what {@code @para status} answers with. */
    static String body(SessionView s, Optional<String> sessionUrl, String handle, Instant now) {
        StringBuilder b = new StringBuilder();
        long running =
                s.instances().stream().filter(i -> !i.state().isTerminal()).count();
        b.append("### para session `")
                .append(s.slug())
                .append("`: ")
                .append(word(s.state().name()));
        if (running > 0 && s.instanceCount() > 1) {
            b.append(" (")
                    .append(running)
                    .append(" of ")
                    .append(s.instanceCount())
                    .append(" going)");
        }
        b.append("\n\n| # | state | elapsed | turns | cost | branch | pull request |\n|---|---|---|---|---|---|---|\n");
        for (InstanceView i : s.instances()) {
            b.append("| ")
                    .append(i.index())
                    .append(" | ")
                    .append(word(i.state().name()))
                    .append(i.reason() != null ? ": " + cell(i.reason()) : "")
                    .append(" | ")
                    .append(elapsed(i, now))
                    .append(" | ")
                    .append(i.turns() != null ? i.turns() : "")
                    .append(" | ")
                    .append(usd(i.costUsd()))
                    .append(" | ")
                    .append(i.branch() != null && Boolean.TRUE.equals(i.pushed()) ? "`" + i.branch() + "`" : "")
                    .append(" | ")
                    .append(i.prUrl() != null ? i.prUrl() : "")
                    .append(" |\n");
        }
        b.append("\n**Total cost:** ").append(s.costUsd() != null ? usd(s.costUsd()) : "none reported yet");
        if (s.reason() != null && s.state().isTerminal()) {
            b.append(" · ").append(cell(s.reason()));
        }
        sessionUrl.ifPresent(url -> b.append(" · [the session](").append(url).append(')'));
        b.append('\n');
        if (s.instanceCount() > 1 && running == 0 && !s.instances().isEmpty()) {
            comparison(b, s, handle, now);
        }
        return b.toString();
    }

    /** Best-of-N: what each instance changed, what it cost, what its agent says it did. */
    private static void comparison(StringBuilder b, SessionView s, String handle, Instant now) {
        b.append("\n#### Comparison\n\n| # | files | +/− | tests changed | cost | turns | duration | pull request |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (InstanceView i : s.instances()) {
            boolean pushed = Boolean.TRUE.equals(i.pushed());
            b.append("| ")
                    .append(i.index())
                    .append(" | ")
                    .append(pushed && i.filesChanged() != null ? i.filesChanged() : "")
                    .append(" | ")
                    .append(pushed && i.insertions() != null ? "+" + i.insertions() + "/−" + i.deletions() : "")
                    .append(" | ")
                    .append(i.testsChanged() == null ? "" : i.testsChanged() ? "yes" : "no")
                    .append(" | ")
                    .append(usd(i.costUsd()))
                    .append(" | ")
                    .append(i.turns() != null ? i.turns() : "")
                    .append(" | ")
                    .append(elapsed(i, now))
                    .append(" | ")
                    .append(i.prUrl() != null ? i.prUrl() : "")
                    .append(" |\n");
        }
        b.append('\n');
        for (InstanceView i : s.instances()) {
            b.append("**#").append(i.index()).append("**");
            if (!Boolean.TRUE.equals(i.pushed())) {
                b.append(" pushed nothing: ")
                        .append(
                                i.reason() != null
                                        ? UntrustedText.sanitize(i.reason())
                                        : word(i.state().name()));
            } else if (i.summary() != null) {
                b.append(", in its agent's words:\n> ")
                        .append(UntrustedText.sanitize(i.summary()).replace("\n", "\n> "));
            } else {
                b.append(": no summary from its agent");
            }
            b.append("\n\n");
        }
        if (s.pickedInstance() != null) {
            b.append("Instance ").append(s.pickedInstance()).append(" was picked.\n");
        } else if (s.instances().stream().filter(i -> i.prUrl() != null).count() > 1) {
            b.append("Pick one: `")
                    .append(handle)
                    .append(" pick <n>` marks its pull request ready and closes the others.\n");
        }
    }

    private static String elapsed(InstanceView i, Instant now) {
        if (i.startedAt() == null) {
            return "";
        }
        long s = Duration.between(i.startedAt(), i.finishedAt() != null ? i.finishedAt() : now)
                .getSeconds();
        return s < 60
                ? s + "s"
                : s < 3600
                        ? (s / 60) + "m" + String.format("%02d", s % 60) + "s"
                        : (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }

    private static String usd(BigDecimal amount) {
        return amount == null
                ? ""
                : "$" + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String word(String state) {
        return state.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** Text for a table cell: sanitized, on one line, its pipes escaped. */
    private static String cell(String text) {
        return UntrustedText.sanitize(text).replace("\n", " ").replace("|", "\\|");
    }
}
