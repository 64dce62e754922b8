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

/** The caller's named agent images, each checked at its registry when registered. */
@Path("/api/v1/agent-images")
@Produces(MediaType.APPLICATION_JSON)
@CustomDeserialization(StrictJson.class)
@Authenticated
@Tag(name = "Agent images")
@SecurityRequirement(name = "jwt")
public class AgentImageResource {

    private final AgentImageService images;
    private final CallerAccount caller;
    private final ApiConfig config;

    AgentImageResource(AgentImageService images, CallerAccount caller, ApiConfig config) {
        this.images = images;
        this.caller = caller;
        this.config = config;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Register an agent image; 201 when new, 200 when replaced",
            description =
                    "The image is checked at its registry with the credential named (a registry-basic credential, "
                            + "or none); 422 with the registry's reason when it cannot be pulled. github-app is refused (422): "
                            + "ghcr.io takes a personal access token (classic) with read:packages, not App installation tokens.")
    public Uni<Response> put(@PathParam("name") String name, AgentImageRequest request) {
        return images.put(caller.id(), caller.actor(), name, request)
                .map(stored -> Response.status(stored.created() ? 201 : 200)
                        .entity(stored.view())
                        .build());
    }

    @GET
    @Operation(summary = "The caller's agent images", description = "Cursor-paged, by name.")
    public Uni<Page<AgentImageView>> list(
            @QueryParam("limit") @Min(1) @Max(1000) Integer limit, @QueryParam("cursor") String cursor) {
        String after = Cursor.decodeName(cursor);
        return Page.read(limit, config, n -> images.page(caller.id(), after, n), last -> Cursor.encode(last.name()));
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One agent image")
    public Uni<AgentImageView> get(@PathParam("name") String name) {
        return images.get(caller.id(), name);
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete an agent image")
    public Uni<Response> delete(@PathParam("name") String name) {
        return images.delete(caller.id(), caller.actor(), name)
                .map(ignored -> Response.noContent().build());
    }
}
