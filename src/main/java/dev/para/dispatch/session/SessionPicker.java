package dev.para.dispatch.session;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Best-of-N: keeps one instance's pull request and lets the others go. The pick is recorded once
 * (a second pick of another instance is refused); then, every time it is asked (so a pick cut
 * short by GitHub is finished by asking again), the picked PR is marked ready for review (GraphQL:
 * REST cannot) and each other PR is closed with a comment pointing to it, its branch deleted
 * unless {@code keepBranches}. Each of these GitHub calls is idempotent.
 */
@ApplicationScoped
class SessionPicker {

    /** What was picked in which session, read in the transaction that recorded it. */
    private record Picked(Session session, List<SessionInstance> instances, SessionInstance picked) {}

    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final SessionTransitions transitions;
    private final AuditLog audit;
    private final Clock clock;

    SessionPicker(
            GitHubClient github,
            InstallationTokenService tokens,
            SessionTransitions transitions,
            AuditLog audit,
            Clock clock) {
        this.github = github;
        this.tokens = tokens;
        this.transitions = transitions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Picks instance {@code index} of the session (the caller has checked who may); its number. */
    Uni<Integer> pick(UUID sessionId, int index, String actor, boolean keepBranches) {
        return Panache.withTransaction(() -> Session.lock(sessionId)
                        .flatMap(s -> SessionInstance.forSession(s.id)
                                .flatMap(instances -> record(s, instances, index, actor))))
                .flatMap(picked -> atGitHub(picked, keepBranches))
                .replaceWith(index);
    }

    private Uni<Picked> record(Session s, List<SessionInstance> instances, int index, String actor) {
        SessionInstance picked = instances.stream()
                .filter(i -> i.index == index)
                .findFirst()
                .orElseThrow(() -> ProblemException.badRequest("instance", "the session has no instance " + index));
        if (picked.prNumber == null) {
            throw ProblemException.conflict(
                    ProblemType.NOTHING_TO_PICK,
                    "Instance " + index + " has no pull request to pick"
                            + (picked.reason != null
                                    ? " (" + picked.state.name().toLowerCase() + ": " + picked.reason + ")"
                                    : ""));
        }
        if (s.pickedInstance != null && s.pickedInstance != index) {
            throw ProblemException.conflict(
                    ProblemType.PICKED_ALREADY,
                    "Instance " + s.pickedInstance + " was picked already, by " + s.pickedBy);
        }
        if (s.pickedInstance != null) {
            return Uni.createFrom().item(new Picked(s, instances, picked)); // asked again: finish at GitHub
        }
        s.pickedInstance = index;
        s.pickedAt = clock.instant();
        s.pickedBy = actor;
        return transitions
                .note(s, index, "PICKED", "picked by " + actor, Map.of("pullRequest", picked.prUrl))
                .call(() -> audit.record(
                        s.accountId,
                        actor,
                        "session.picked",
                        SessionWriter.OBJECT_TYPE,
                        s.id.toString(),
                        Map.of("instance", index)))
                .replaceWith(new Picked(s, instances, picked));
    }

    private Uni<Void> atGitHub(Picked p, boolean keepBranches) {
        RepositoryName repository = RepositoryName.of(p.session().repository);
        return tokens.withToken(
                p.session().installationId,
                TokenNarrowing.repository(repository.name(), TokenNarrowing.PICK_PERMISSIONS),
                token -> github.getPullRequest(token, repository.owner(), repository.name(), p.picked().prNumber)
                        .flatMap(pr -> pr.draft()
                                ? github.markReadyForReview(token, pr.nodeId())
                                : Uni.createFrom().voidItem())
                        .flatMap(ready -> letOthersGo(token, repository, p, keepBranches)));
    }

    private Uni<Void> letOthersGo(InstallationToken token, RepositoryName repository, Picked p, boolean keepBranches) {
        return Multi.createFrom()
                .iterable(p.instances())
                .filter(i -> i.index != p.picked().index && i.prNumber != null)
                .onItem()
                .transformToUniAndConcatenate(other -> github.getPullRequest(
                                token, repository.owner(), repository.name(), other.prNumber)
                        .flatMap(pr -> !"open".equals(pr.state())
                                ? Uni.createFrom().voidItem()
                                : github.commentOnIssue(
                                                token,
                                                repository.owner(),
                                                repository.name(),
                                                other.prNumber,
                                                "Closed: instance " + p.picked().index + " of session `"
                                                        + p.session().slug + "` was picked instead, in "
                                                        + p.picked().prUrl + ".")
                                        .flatMap(comment -> github.closePullRequest(
                                                token, repository.owner(), repository.name(), other.prNumber))
                                        .replaceWithVoid())
                        .flatMap(closed -> keepBranches || other.branch == null
                                ? Uni.createFrom().voidItem()
                                : github.deleteBranch(token, repository.owner(), repository.name(), other.branch)))
                .collect()
                .last()
                .replaceWithVoid();
    }
}
