package dev.para.dispatch.registry;

import dev.para.dispatch.api.ApiConfig;
import dev.para.dispatch.api.CallerAccount;
import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.api.Page;
import dev.para.dispatch.api.StrictJson;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's sealed credentials: registry logins and the agent's keys. Values go in, never out. */
@Path("/api/v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
@CustomDeserialization(StrictJson.class)
@Authenticated
@Tag(name = "Credentials")
@SecurityRequirement(name = "jwt")
public class CredentialResource {

    private final CredentialService credentials;
    private final CallerAccount caller;
    private final ApiConfig config;

    CredentialResource(CredentialService credentials, CallerAccount caller, ApiConfig config) {
        this.credentials = credentials;
        this.caller = caller;
        this.config = config;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Store a credential (sealed); 201 when new, 200 when replaced",
            description = "kind registry-basic takes username and password (or a personal access token); "
                    + "anthropic-api-key and claude-oauth-token take value. The answer never holds the secret.")
    public Uni<Response> put(@PathParam("name") String name, CredentialRequest request) {
        return credentials
                .put(caller.id(), caller.actor(), name, request)
                .map(stored -> Response.status(stored.created() ? 201 : 200)
                        .entity(stored.view())
                        .build());
    }

    @GET
    @Operation(
            summary = "The caller's credentials: kind, fingerprint and timestamps, never values",
            description = "Cursor-paged, by name.")
    public Uni<Page<CredentialView>> list(
            @QueryParam("limit") @Min(1) @Max(1000) Integer limit, @QueryParam("cursor") String cursor) {
        String after = Cursor.decodeName(cursor);
        return Page.read(
                limit, config, n -> credentials.page(caller.id(), after, n), last -> Cursor.encode(last.name()));
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One credential: kind, fingerprint and timestamps")
    public Uni<CredentialView> get(@PathParam("name") String name) {
        return credentials.get(caller.id(), name);
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a credential no agent image pulls with")
    public Uni<Response> delete(@PathParam("name") String name) {
        return credentials
                .delete(caller.id(), caller.actor(), name)
                .map(ignored -> Response.noContent().build());
    }
}
