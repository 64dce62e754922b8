package dev.para.dispatch.github;

import dev.para.dispatch.github.model.AccessTokenRequest;
import dev.para.dispatch.github.model.AccessTokenResponse;
import dev.para.dispatch.github.model.AppManifestConversion;
import dev.para.dispatch.github.model.CollaboratorPermission;
import dev.para.dispatch.github.model.FileContent;
import dev.para.dispatch.github.model.GitHubAccount;
import dev.para.dispatch.github.model.GitHubRepository;
import dev.para.dispatch.github.model.GraphQlRequest;
import dev.para.dispatch.github.model.GraphQlResponse;
import dev.para.dispatch.github.model.IssueComment;
import dev.para.dispatch.github.model.NewPullRequest;
import dev.para.dispatch.github.model.OrgMembership;
import dev.para.dispatch.github.model.PullRequest;
import dev.para.dispatch.github.model.PullRequestUpdate;
import dev.para.dispatch.github.model.UserInstallations;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.List;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * The few GitHub REST endpoints the service calls. Built by {@link GitHubClient} with the base URL
 * and timeouts of {@link GitHubConfig}; use that class, which adds retries, the circuit breaker
 * and metrics. The operation name of each call in metrics and errors is the method's name in
 * snake case ({@code getRepository} is {@code get_repository}), given where GitHubClient calls it.
 */
@Produces("application/vnd.github+json")
@ClientHeaderParam(name = "X-GitHub-Api-Version", value = "2022-11-28")
@ClientHeaderParam(name = "User-Agent", value = "para-dispatch")
public interface GitHubApi {

    @POST
    @Path("/app/installations/{installationId}/access_tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<AccessTokenResponse> createInstallationToken(
            @HeaderParam("Authorization") String appJwtBearer,
            @PathParam("installationId") long installationId,
            AccessTokenRequest narrowing);

    /** Unauthenticated: the one-time code from the manifest flow is the credential. */
    @POST
    @Path("/app-manifests/{code}/conversions")
    Uni<AppManifestConversion> convertAppManifest(@PathParam("code") String code);

    @DELETE
    @Path("/installation/token")
    Uni<Void> revokeInstallationToken(@HeaderParam("Authorization") String tokenBearer);

    @GET
    @Path("/user/installations")
    Uni<UserInstallations> listUserInstallations(
            @HeaderParam("Authorization") String userBearer,
            @QueryParam("per_page") int perPage,
            @QueryParam("page") int page);

    @GET
    @Path("/user")
    Uni<GitHubAccount> getAuthenticatedUser(@HeaderParam("Authorization") String userBearer);

    @GET
    @Path("/user/memberships/orgs/{org}")
    Uni<OrgMembership> getOrgMembership(@HeaderParam("Authorization") String userBearer, @PathParam("org") String org);

    @GET
    @Path("/repos/{owner}/{repo}")
    Uni<GitHubRepository> getRepository(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo);

    /** {@code path} must arrive percent-encoded per segment, its slashes kept. */
    @GET
    @Path("/repos/{owner}/{repo}/contents/{path}")
    Uni<FileContent> getContent(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @Encoded @PathParam("path") String path,
            @QueryParam("ref") String ref);

    @GET
    @Path("/repos/{owner}/{repo}/pulls/{number}")
    Uni<PullRequest> getPullRequest(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number);

    @PATCH
    @Path("/repos/{owner}/{repo}/pulls/{number}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<PullRequest> updatePullRequest(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            PullRequestUpdate update);

    /** {@code ref} ({@code heads/<branch>}) must arrive percent-encoded per segment, its slashes kept. */
    @DELETE
    @Path("/repos/{owner}/{repo}/git/refs/{ref}")
    Uni<Void> deleteRef(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @Encoded @PathParam("ref") String ref);

    /**
     * GitHub's GraphQL API, for what REST cannot do (marking a draft pull request ready). It is not
     * under the REST base on GitHub Enterprise Server ({@code /api/graphql}, not {@code
     * /api/v3/graphql}): the caller gives its base ({@link GitHubClient#graphqlBase}).
     */
    @POST
    @Path("/graphql")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<GraphQlResponse> graphql(
            @Url String graphqlBase, @HeaderParam("Authorization") String tokenBearer, GraphQlRequest request);

    @GET
    @Path("/repos/{owner}/{repo}/pulls")
    Uni<List<PullRequest>> listPullRequests(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @QueryParam("head") String head,
            @QueryParam("state") String state);

    @POST
    @Path("/repos/{owner}/{repo}/pulls")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<PullRequest> createPullRequest(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            NewPullRequest pull);

    @POST
    @Path("/repos/{owner}/{repo}/issues/{number}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<IssueComment> createIssueComment(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            IssueComment comment);

    @GET
    @Path("/repos/{owner}/{repo}/issues/{number}/comments")
    Uni<List<IssueComment>> listIssueComments(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            @QueryParam("since") String since,
            @QueryParam("per_page") int perPage);

    @PATCH
    @Path("/repos/{owner}/{repo}/issues/comments/{commentId}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<IssueComment> updateIssueComment(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("commentId") long commentId,
            IssueComment comment);

    @GET
    @Path("/repos/{owner}/{repo}/collaborators/{username}/permission")
    Uni<CollaboratorPermission> getCollaboratorPermission(
            @HeaderParam("Authorization") String tokenBearer,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("username") String username);

    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        return GitHubErrors.classify(method.getName(), response);
    }
}
