package dev.para.dispatch.github;

import dev.para.dispatch.github.model.AccessTokenRequest;
import dev.para.dispatch.github.model.AccessTokenResponse;
import dev.para.dispatch.github.model.UserInstallations;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

/**
 * The few GitHub REST endpoints the service calls. Built by {@link GitHubClient} with the base URL
 * and timeouts of {@link GitHubConfig}; use that class, which adds retries, the circuit breaker
 * and metrics. Method names are the operation names in metrics.
 */
@Produces("application/vnd.github+json")
@ClientHeaderParam(name = "X-GitHub-Api-Version", value = "2022-11-28")
@ClientHeaderParam(name = "User-Agent", value = "para-dispatch")
public interface GitHubApi {

    @POST
    @Path("/app/installations/{installationId}/access_tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<AccessTokenResponse> createInstallationToken(@HeaderParam("Authorization") String appJwtBearer,
            @PathParam("installationId") long installationId, AccessTokenRequest narrowing);

    @DELETE
    @Path("/installation/token")
    Uni<Void> revokeInstallationToken(@HeaderParam("Authorization") String tokenBearer);

    @GET
    @Path("/user/installations")
    Uni<UserInstallations> listUserInstallations(@HeaderParam("Authorization") String userBearer,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page);

    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        return GitHubErrors.classify(method.getName(), response);
    }
}
