package dev.para.dispatch.playground;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The webhook payloads the forge sends, shaped as GitHub's ({@code @octokit/webhooks-examples}):
 * what a person's comment at the forge makes GitHub deliver to the App.
 */
final class ForgeWebhooks {

    /** The seeded issue every playground repository has: the one to try {@code @para} comments on. */
    static final int SEEDED_ISSUE = 1;

    static final String SEEDED_ISSUE_TITLE = "Say hello in more languages";

    private ForgeWebhooks() {}

    /** {@code issue_comment} with {@code action: created}. */
    static ObjectNode issueCommentCreated(
            ForgeGitHub api,
            ForgeState state,
            String repository,
            int issue,
            ForgeState.Comment comment,
            long installationId) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("action", "created");
        Optional<ForgeState.Pull> pull = state.pull(repository, issue);
        ObjectNode repo = api.repositoryJson(repository);
        String issueUrl = repo.path("html_url").asText() + (pull.isPresent() ? "/pull/" : "/issues/") + issue;
        ObjectNode issueNode = payload.putObject("issue")
                .put("id", 9_000_000L + issue)
                .put("node_id", "I_" + issue)
                .put("number", issue)
                .put("title", pull.map(p -> p.title).orElse(SEEDED_ISSUE_TITLE))
                .put(
                        "body",
                        pull.map(p -> p.body).orElse("The world is bigger than English: greet it in more languages."))
                .put("state", pull.map(p -> p.state).orElse("open"))
                .put("html_url", issueUrl)
                .put("locked", false)
                .put("author_association", "OWNER");
        issueNode.set("user", api.account(comment.user));
        pull.ifPresent(p -> issueNode.putObject("pull_request").put("html_url", issueUrl));
        payload.set("comment", api.commentJson(comment));
        payload.set("repository", repo);
        payload.set("sender", api.account(comment.user));
        payload.putObject("installation")
                .put("id", installationId)
                .put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u1");
        return payload;
    }
}
