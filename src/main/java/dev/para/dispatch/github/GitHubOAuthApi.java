package dev.para.dispatch.github;

import dev.para.dispatch.github.model.OAuthTokenRequest;
import dev.para.dispatch.github.model.OAuthTokenResponse;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/** GitHub's OAuth web endpoint (on the web host, not the API host): the user code exchange. */
@Produces(MediaType.APPLICATION_JSON)
@ClientHeaderParam(name = "User-Agent", value = "para-dispatch")
public interface GitHubOAuthApi {

    @POST
    @Path("/login/oauth/access_token")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<OAuthTokenResponse> exchangeOAuthCode(OAuthTokenRequest request);

    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        return GitHubErrors.classify(method.getName(), response);
    }
}
