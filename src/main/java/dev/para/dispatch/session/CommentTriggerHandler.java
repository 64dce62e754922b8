package dev.para.dispatch.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.github.model.CollaboratorPermission;
import dev.para.dispatch.github.model.IssueCommentEventPayload;
import dev.para.dispatch.github.webhook.PayloadPeek;
import dev.para.dispatch.github.webhook.WebhookEvent;
import dev.para.dispatch.github.webhook.WebhookHandler;
import dev.para.dispatch.installation.Installation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code @para <prompt>} in a comment on an issue starts a session on its repository;
 * {@code @para stop} cancels the sessions the issue started. Only users who can push to the
 * repository may do either — asked of GitHub's collaborator-permission API, never read from the
 * payload's author_association — and never a bot or the App itself.
 */
@ApplicationScoped
public class CommentTriggerHandler implements WebhookHandler {

    private final SessionService sessions;
    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final SessionConfig config;
    private final AppCredentials app;
    private final RuntimeConfig runtime;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final java.time.Clock clock;

    CommentTriggerHandler(
            SessionService sessions,
            GitHubClient github,
            InstallationTokenService tokens,
            SessionConfig config,
            AppCredentials app,
            RuntimeConfig runtime,
            AuditLog audit,
            ObjectMapper json,
            java.time.Clock clock) {
        this.sessions = sessions;
        this.github = github;
        this.tokens = tokens;
        this.config = config;
        this.app = app;
        this.runtime = runtime;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Set<String> events() {
        return Set.of("issue_comment");
    }

    /** A comment that asks for us: its command (text after the handle) and where it was made. */
    record Trigger(
            long installationId,
            String owner,
            String repo,
            int issue,
            long commentId,
            String sender,
            String command,
            String issueTitle,
            String issueBody,
            String issueAuthor) {

        String repository() {
            return owner + "/" + repo;
        }
    }

    /**
     * Only a new comment that starts with the handle can be a command: every other comment on
     * every issue of every installation (nearly all of them) is recorded at intake and never parsed.
     */
    @Override
    public boolean wants(String event, byte[] payload) {
        if (!"created".equals(PayloadPeek.action(payload))) {
            return false;
        }
        String body = PayloadPeek.text(payload, "comment", "body");
        return body != null && isAddressedToUs(body.strip());
    }

    /** Whether a (stripped) comment body starts with the handle, as a word of its own. */
    private boolean isAddressedToUs(String body) {
        String handle = config.comments().handle();
        return body.regionMatches(true, 0, handle, 0, handle.length())
                && (body.length() == handle.length() || Character.isWhitespace(body.charAt(handle.length())));
    }

    @Override
    public Uni<Outcome> handle(WebhookEvent event) {
        Trigger trigger = triggerOf(event);
        if (trigger == null) {
            return Uni.createFrom().item(Outcome.IGNORED);
        }
        return Panache.withSession(() -> Installation.<Installation>findById(trigger.installationId()))
                .flatMap(installation -> {
                    if (installation == null || installation.accountId == null || !installation.active()) {
                        Log.infof(
                                "Comment trigger on %s ignored: the installation is not linked to an account or not active",
                                trigger.repository());
                        return Uni.createFrom().item(Outcome.IGNORED);
                    }
                    return tokens.withToken(
                                    trigger.installationId(),
                                    serviceNarrowing(trigger),
                                    token -> github.collaboratorPermission(
                                                    token, trigger.owner(), trigger.repo(), trigger.sender())
                                            .map(permission -> new Checked(permission, token)))
                            .flatMap(checked -> {
                                if (!checked.permission().canWrite()) {
                                    return refused(
                                            installation,
                                            trigger,
                                            checked.permission().roleName());
                                }
                                return run(
                                        installation,
                                        trigger,
                                        checked.token(),
                                        CommentCommand.parse(trigger.command(), config.maxInstances()));
                            });
                });
    }

    /** Does what the comment asks; whatever it asks that we do not do is said back, and nothing starts. */
    private Uni<Outcome> run(Installation installation, Trigger t, InstallationToken token, CommentCommand command) {
        String handle = config.comments().handle();
        if (command instanceof CommentCommand.Start start) {
            return issueAuthorPermission(t, token)
                    .flatMap(permission -> startWith(installation, t, token, start, permission));
        }
        if (command instanceof CommentCommand.Stop) {
            return stop(t, token);
        }
        if (command instanceof CommentCommand.Status) {
            return status(t, token);
        }
        if (command instanceof CommentCommand.Retry retry) {
            return retry(installation, t, token, retry.instance());
        }
        if (command instanceof CommentCommand.Pick pick) {
            return pick(t, token, pick.instance());
        }
        if (command instanceof CommentCommand.Help) {
            return reply(
                    t,
                    token,
                    "What I take, in a comment that starts with `" + handle + "`:\n\n" + CommentCommand.help(handle));
        }
        String why = ((CommentCommand.NotUnderstood) command).why();
        return reply(t, token, "I did not start anything: " + why + ". `" + handle + " help` lists what I take.");
    }

    /**
     * The permission of the issue's author: the issue's text may come from anyone who can open an
     * issue, and the prompt says who wrote what.
     */
    private Uni<CollaboratorPermission> issueAuthorPermission(Trigger t, InstallationToken token) {
        if (t.issueAuthor().isEmpty()) {
            return Uni.createFrom().item(new CollaboratorPermission("none", null));
        }
        // GitHub answers 404 for a login that is no collaborator's and that it cannot show.
        return github.collaboratorPermission(token, t.owner(), t.repo(), t.issueAuthor())
                .onFailure(e -> e instanceof GitHubException g && g.status() == 404)
                .recoverWithItem(new CollaboratorPermission("none", null));
    }

    /**
     * The prompt: the commenter's request (they may push), then the issue's title and body as
     * quoted data, or a note that they were left out when their author may not push.
     */
    String prompt(Trigger t, String asked, CollaboratorPermission author) {
        String issue = "issue #" + t.issue() + " (its title, then its body)";
        String text = t.issueTitle() + (t.issueBody().isBlank() ? "" : "\n\n" + t.issueBody());
        String context = author.canWrite() || config.comments().includeUntrusted()
                ? UntrustedText.quote(issue, t.issueAuthor(), author.permission(), text)
                : "The text of " + issue + " by @" + UntrustedText.sanitize(t.issueAuthor())
                        + " is left out: its author cannot push to this repository.";
        return UntrustedText.sanitize(asked) + "\n\n---\n" + context;
    }

    private Uni<Outcome> startWith(
            Installation installation,
            Trigger t,
            InstallationToken token,
            CommentCommand.Start start,
            CollaboratorPermission author) {
        String prompt = prompt(t, start.prompt(), author);
        return sessions.createForComment(
                        installation, t.sender(), t.repository(), prompt, start, t.issue(), t.commentId())
                // accepted: the session's tracking comment is posted on the issue, and kept current
                .replaceWith(Outcome.PROCESSED)
                .onFailure(ProblemException.class)
                .recoverWithUni(e -> reply(t, token, "Could not start a session: " + e.getMessage()));
    }

    /** The issue's sessions as their tracking comments show them (without the marker: this is a reply). */
    private Uni<Outcome> status(Trigger t, InstallationToken token) {
        return sessions.forIssue(t.repository(), t.issue()).flatMap(found -> {
            if (found.isEmpty()) {
                return reply(t, token, "No session was started from this issue.");
            }
            String body = found.stream()
                    .map(s -> TrackingComment.body(
                            s,
                            TrackingComment.apiUrl(runtime.publicUrl(), s.id()),
                            config.comments().handle(),
                            clock.instant()))
                    .collect(java.util.stream.Collectors.joining("\n---\n"));
            return reply(t, token, body);
        });
    }

    private Uni<Outcome> retry(Installation installation, Trigger t, InstallationToken token, int instance) {
        return sessions.retryForIssue(installation, t.sender(), t.repository(), t.issue(), instance)
                .flatMap(created -> reply(
                        t,
                        token,
                        "Started session `" + created.session().slug() + "` from instance " + instance + "'s branch `"
                                + created.session().sourceBranch() + "`" + link(created.session()) + "."))
                .onFailure(ProblemException.class)
                .recoverWithUni(e -> reply(t, token, "Could not retry instance " + instance + ": " + e.getMessage()));
    }

    private Uni<Outcome> pick(Trigger t, InstallationToken token, int instance) {
        return sessions.pickForIssue(t.repository(), t.issue(), t.sender(), instance)
                .flatMap(picked -> reply(
                        t,
                        token,
                        "Picked instance " + instance + " of `" + picked.slug() + "`: its pull request is ready for"
                                + " review, the others are closed."))
                .onFailure(ProblemException.class)
                .recoverWithUni(e -> reply(t, token, "Could not pick instance " + instance + ": " + e.getMessage()));
    }

    private Uni<Outcome> stop(Trigger t, InstallationToken token) {
        return sessions.cancelForIssue(t.repository(), t.issue(), t.sender())
                .flatMap(cancelled -> reply(
                        t,
                        token,
                        cancelled.isEmpty()
                                ? "No session of this issue is running."
                                : "Cancelled " + cancelled.size() + " session" + (cancelled.size() > 1 ? "s" : "")
                                        + "."));
    }

    private Uni<Outcome> refused(Installation installation, Trigger t, String role) {
        Log.infof(
                "Comment trigger on %s#%d by %s refused: role %s cannot push",
                t.repository(), t.issue(), t.sender(), role);
        return Panache.withTransaction(() -> audit.record(
                        installation.accountId,
                        t.sender(),
                        "session.comment-refused",
                        "repository",
                        t.repository(),
                        Map.of("issue", t.issue(), "role", String.valueOf(role))))
                .replaceWith(Outcome.IGNORED);
    }

    private Uni<Outcome> reply(Trigger t, InstallationToken token, String body) {
        if (runtime.dryRun()) {
            Log.infof("[dry-run] would comment on %s#%d: %s", t.repository(), t.issue(), body);
            return Uni.createFrom().item(Outcome.PROCESSED);
        }
        return github.commentOnIssue(token, t.owner(), t.repo(), t.issue(), body)
                .replaceWith(Outcome.PROCESSED);
    }

    /** The commenter's permission, and the token it was read with (for the replies). */
    private record Checked(CollaboratorPermission permission, InstallationToken token) {}

    private static TokenNarrowing serviceNarrowing(Trigger t) {
        return TokenNarrowing.repository(t.repo(), TokenNarrowing.SERVICE_PERMISSIONS);
    }

    private String link(SessionView session) {
        return TrackingComment.apiUrl(runtime.publicUrl(), session.id())
                .map(url -> ": " + url)
                .orElse(" (id " + session.id() + ")");
    }

    /** The trigger in the delivery, or null when the comment is not a command for us. */
    Trigger triggerOf(WebhookEvent event) {
        if (!"created".equals(event.action().orElse(null))
                || event.installationId().isEmpty()) {
            return null;
        }
        IssueCommentEventPayload p = json.convertValue(event.payload(), IssueCommentEventPayload.class);
        if (p.comment() == null || p.issue() == null || p.repository() == null || p.sender() == null) {
            return null;
        }
        String login = Objects.requireNonNullElse(p.sender().login(), "");
        if ("Bot".equalsIgnoreCase(p.sender().type())
                || login.endsWith("[bot]")
                || app.slug()
                        .map(slug -> login.equalsIgnoreCase(slug + "[bot]"))
                        .orElse(false)) {
            return null;
        }
        String body = Objects.requireNonNullElse(p.comment().body(), "").strip();
        if (!isAddressedToUs(body)) {
            return null;
        }
        String command = body.substring(config.comments().handle().length()).strip();
        var repository =
                RepositoryName.parse(Objects.requireNonNullElse(p.repository().fullName(), ""));
        if (repository.isEmpty()) {
            return null;
        }
        IssueCommentEventPayload.Issue issue = p.issue();
        return new Trigger(
                event.installationId().get(),
                repository.get().owner(),
                repository.get().name(),
                issue.number(),
                p.comment().id(),
                login,
                command,
                Objects.requireNonNullElse(issue.title(), ""),
                Objects.requireNonNullElse(issue.body(), ""),
                issue.user() == null
                        ? ""
                        : Objects.requireNonNullElse(issue.user().login(), ""));
    }
}
