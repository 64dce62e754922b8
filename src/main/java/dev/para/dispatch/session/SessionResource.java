package dev.para.dispatch.session;

import dev.para.dispatch.api.ApiConfig;
import dev.para.dispatch.api.CallerAccount;
import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.api.Page;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.StrictJson;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Sessions of the caller's account. */
@Path("/api/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@CustomDeserialization(StrictJson.class)
@Authenticated
@Tag(name = "Sessions")
@SecurityRequirement(name = "jwt")
public class SessionResource {

    private final SessionService sessions;
    private final SessionEventStream events;
    private final SessionStreams streams;
    private final InstanceLogs logs;
    private final CallerAccount caller;
    private final ApiConfig config;

    SessionResource(
            SessionService sessions,
            SessionEventStream events,
            SessionStreams streams,
            InstanceLogs logs,
            CallerAccount caller,
            ApiConfig config) {
        this.sessions = sessions;
        this.streams = streams;
        this.events = events;
        this.logs = logs;
        this.caller = caller;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a session",
            description = "Checks the request, writes the session as QUEUED and "
                    + "answers 202 at once; the launcher creates its Job. The same Idempotency-Key with the same body "
                    + "answers the first session again.")
    public Uni<Response> create(
            @NotNull @Valid CreateSessionRequest request,
            @HeaderParam("Idempotency-Key") @Size(min = 1, max = 255) String idempotencyKey,
            UriInfo uri) {
        return sessions.create(caller.id(), caller.actor(), request, idempotencyKey)
                .map(created -> accepted(uri, created.session())
                        .header("Idempotent-Replayed", created.replayed() ? "true" : null)
                        .build());
    }

    @GET
    @Operation(
            summary = "List the caller's sessions",
            description = "Newest first, cursor-paged; filter by state " + "(repeatable) and repository.")
    public Uni<Page<SessionView>> list(
            @QueryParam("state") List<String> states,
            @QueryParam("repository") String repository,
            @QueryParam("limit") @Min(1) @Max(1000) Integer limit,
            @QueryParam("cursor") String cursor) {
        long before = Cursor.decodeLong(cursor, Long.MAX_VALUE);
        List<SessionState> wanted = states(states);
        return Page.read(
                        limit,
                        config,
                        n -> sessions.seqPage(caller.id(), before, wanted, repository, n),
                        last -> Cursor.encode(last.seq()))
                .map(page -> page.map(SessionService.Paged::view));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the caller's sessions, with its instances")
    public Uni<SessionView> get(@PathParam("id") UUID id) {
        return sessions.get(caller.id(), id);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(
            summary = "Cancel a session",
            description = "Deletes its Job, revokes its token and marks unfinished "
                    + "instances CANCELLED. Cancelling an ended session changes nothing.")
    public Uni<SessionView> cancel(@PathParam("id") UUID id) {
        return sessions.cancel(caller.id(), caller.actor(), id);
    }

    @POST
    @Path("/{id}/recover")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Continue from an instance's branch in a new session",
            description =
                    "The new session works on para/recovered-<session>-<HHMMSS>, starting from the instance's branch.")
    public Uni<Response> recover(@PathParam("id") UUID id, @NotNull @Valid RecoverRequest request, UriInfo uri) {
        return sessions.recover(caller.id(), caller.actor(), id, request.instance(), request.prompt())
                .map(created -> accepted(uri, created.session()).build());
    }

    @POST
    @Path("/{id}/pick")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Best-of-N: keep one instance's pull request",
            description = "Marks instance n's pull request ready for review, closes the session's other pull requests "
                    + "with a comment pointing to it and deletes their branches (unless keepBranches). Recorded once: "
                    + "picking the same instance again finishes what GitHub left undone, another is refused (409). "
                    + "The account's GitHub user must be able to push to the repository.")
    public Uni<SessionView> pick(@PathParam("id") UUID id, @NotNull @Valid PickRequest request) {
        return sessions.pick(
                caller.id(), caller.actor(), id, request.instance(), Boolean.TRUE.equals(request.keepBranches()));
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Live state changes of the session and its instances",
            description = "Server-Sent Events: first every change so far (or those after Last-Event-ID), then each new "
                    + "one as it happens, on any replica (event `state`). While an instance runs, `progress` events "
                    + "(no id) say how far its agent is: turns, last tool, the first line of what it last said (lastText), output "
                    + "tokens, cost once reported; at most "
                    + "one a second per instance. The stream ends after the event that ends the session.")
    @Blocking
    public Multi<OutboundSseEvent> events(
            @PathParam("id") UUID id, @HeaderParam("Last-Event-ID") Long lastEventId, @Context Sse sse) {
        // Checked before the stream starts (hence blocking): once it has, its status cannot become a 404.
        sessions.requireSessionBlocking(caller.id(), id);
        Multi<SessionEventView> states = events.stream(id, lastEventId == null ? 0 : lastEventId);
        return streams.open(caller.id(), logs.withProgress(caller.id(), id, states))
                .map(item -> item instanceof SessionEventView e
                        ? sse.newEventBuilder()
                                .id(String.valueOf(e.id()))
                                .name("state")
                                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                                .data(e)
                                .build()
                        // Progress has no id: a reconnect resumes after the last state event.
                        : sse.newEventBuilder()
                                .name("progress")
                                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                                .data(item)
                                .build());
    }

    @GET
    @Path("/{id}/instances/{n}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(
            summary = "The log of an instance's pod, with anything shaped like a secret redacted",
            description = "With follow=true the log streams until the pod ends.")
    @Blocking
    public Multi<String> logs(
            @PathParam("id") UUID id, @PathParam("n") @Min(1) int n, @QueryParam("follow") boolean follow) {
        Multi<String> log =
                logs.lines(sessions.podOfBlocking(caller.id(), id, n), follow).map(line -> line + "\n");
        return follow
                ? streams.follow(caller.id(), log)
                : log.runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    private static Response.ResponseBuilder accepted(UriInfo uri, SessionView session) {
        return Response.accepted(session)
                .location(uri.getBaseUriBuilder()
                        .path("api/v1/sessions")
                        .path(session.id().toString())
                        .build());
    }

    private static List<SessionState> states(List<String> names) {
        return names.stream()
                .flatMap(n -> java.util.Arrays.stream(n.split(",")))
                .filter(n -> !n.isBlank())
                .map(n -> {
                    try {
                        return SessionState.valueOf(n.trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw ProblemException.badRequest("state", "must be one of " + List.of(SessionState.values()));
                    }
                })
                .toList();
    }
}
