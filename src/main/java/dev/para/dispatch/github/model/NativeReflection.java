package dev.para.dispatch.github.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * GitHub's payload records that are read outside the REST client (webhook payloads go through
 * {@code ObjectMapper.convertValue}), so the native image keeps their constructors and accessors.
 * The REST client and the REST resources register their own types.
 */
@RegisterForReflection(
        targets = {
            GitHubAccount.class,
            GitHubInstallation.class,
            GitHubRepository.class,
            IssueComment.class,
            CollaboratorPermission.class,
            PullRequest.class,
            FileContent.class,
            UserInstallations.class,
            InstallationEventPayload.class,
            IssueCommentEventPayload.class,
            IssueCommentEventPayload.Comment.class,
            IssueCommentEventPayload.Issue.class,
            IssueCommentEventPayload.Repository.class
        })
final class NativeReflection {
    private NativeReflection() {}
}
