package dev.para.dispatch.agent;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * The one Anthropic endpoint the service calls: the model list, which answers 200 to a working
 * credential and 401 or 403 to a dead one, and costs nothing. An API key goes in {@code x-api-key};
 * a Claude OAuth token as a bearer token with the OAuth beta header.
 */
@ClientHeaderParam(name = "anthropic-version", value = "2023-06-01")
@ClientHeaderParam(name = "User-Agent", value = "para-dispatch")
public interface AnthropicModels {

    @GET
    @Path("/v1/models")
    Uni<Response> withApiKey(@HeaderParam("x-api-key") String apiKey);

    @GET
    @Path("/v1/models")
    @ClientHeaderParam(name = "anthropic-beta", value = "oauth-2025-04-20")
    Uni<Response> withOAuthToken(@HeaderParam("Authorization") String bearer);
}
