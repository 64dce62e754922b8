package dev.para.dispatch.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.para.dispatch.api.CallerAccount;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.StrictJson;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.webhook.WebhookRoute;
import dev.para.dispatch.github.webhook.WebhookSignature;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * What a person sees of the playground's forge, and what they may do there: its pull requests
 * (JSON, or HTML with each one's diff for a browser) and a comment on an issue, which the forge
 * delivers to the service as GitHub would (signed {@code issue_comment} webhook). Reading is open,
 * as a public repository's pages are; commenting takes the playground account's token. Answers
 * 404 whenever the playground is off, and is not in a production build at all.
 */
@Path("/playground")
@UnlessBuildProfile("prod")
public class PlaygroundResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Forge forge;
    private final PlaygroundConfig config;
    private final GitHubConfig github;
    private final CallerAccount caller;

    PlaygroundResource(Forge forge, PlaygroundConfig config, GitHubConfig github, CallerAccount caller) {
        this.forge = forge;
        this.config = config;
        this.github = github;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode about() {
        running();
        ObjectNode about = JSON.createObjectNode()
                .put("forge", forge.url())
                .put("githubApi", forge.url() + "/api/v3")
                .put("repository", forge.repository())
                .put("clone", "git clone " + forge.url() + "/" + forge.repository() + ".git")
                .put("agent", forge.agent())
                .put("account", config.account())
                .put("githubLogin", config.user())
                .put("issue", ForgeWebhooks.SEEDED_ISSUE);
        forge.branches().forEach(about.putArray("branches")::add);
        return about;
    }

    /** The pull requests, newest first: JSON, or a page with their diffs when a browser asks for HTML. */
    @GET
    @Path("/pulls")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Response pulls(@HeaderParam("Accept") String accept) {
        running();
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            return Response.ok(PlaygroundPages.pulls(forge.pulls(), forge::diff, forge.url()), MediaType.TEXT_HTML_TYPE)
                    .build();
        }
        var list = JSON.createArrayNode();
        forge.pulls().forEach(pull -> list.add(((ObjectNode) pull.deepCopy()).put("diff", forge.diff(pull))));
        return Response.ok(list, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The comments on an issue or pull request of the demo repository (the service's replies among them). */
    @GET
    @Path("/issues/{number}/comments")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode comments(@PathParam("number") int number) {
        running();
        if (!forge.issueExists(number)) {
            throw ProblemException.notFound("issue " + number);
        }
        var list = JSON.createArrayNode();
        forge.comments(number).forEach(list::add);
        return list;
    }

    /**
     * Writes the comment at the forge as the playground's user and delivers its {@code
     * issue_comment} webhook to this service, signed with the App's webhook secret.
     */
    @POST
    @Path("/issues/{number}/comments")
    @Authenticated
    // The forge writes its state file: a worker thread's work, not the event loop's.
    @Blocking
    @CustomDeserialization(StrictJson.class)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> comment(
            @PathParam("number") int number, @Valid @NotNull PlaygroundComment comment, @Context UriInfo uri) {
        running();
        if (!config.account().equals(caller.id())) {
            throw ProblemException.notFound("issue " + number);
        }
        ObjectNode payload = (ObjectNode)
                forge.comment(number, comment.body()).orElseThrow(() -> ProblemException.notFound("issue " + number));
        byte[] body = payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String delivery = UUID.randomUUID().toString();
        String secret = github.webhookSecret()
                .orElseThrow(() -> new IllegalStateException("The playground needs para.github.webhook-secret"));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(uri.getBaseUri().toString().replaceAll("/+$", "") + WebhookRoute.PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/para-playground")
                .header("X-GitHub-Event", "issue_comment")
                .header("X-GitHub-Delivery", delivery)
                .header("X-GitHub-Hook-Installation-Target-Type", "integration")
                .header("X-Hub-Signature-256", new WebhookSignature(secret).header(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return Uni.createFrom()
                .completionStage(() -> HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(delivered -> {
                    ObjectNode answer = JSON.createObjectNode();
                    answer.set("comment", payload.get("comment"));
                    answer.putObject("delivery")
                            .put("id", delivery)
                            .put("event", "issue_comment")
                            .put("status", delivered.statusCode());
                    return Response.status(201).entity(answer).build();
                });
    }

    private void running() {
        if (!forge.running()) {
            throw ProblemException.notFound("the playground (it runs in dev mode while no GitHub App is configured)");
        }
    }
}
