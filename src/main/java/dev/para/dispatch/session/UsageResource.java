package dev.para.dispatch.session;

import dev.para.dispatch.api.CallerAccount;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the caller's agents spent today. */
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Sessions")
@SecurityRequirement(name = "jwt")
public class UsageResource {

    private final SessionBudgets budgets;
    private final CallerAccount caller;

    UsageResource(SessionBudgets budgets, CallerAccount caller) {
        this.budgets = budgets;
        this.caller = caller;
    }

    @GET
    @Operation(
            summary = "The caller's spend today (UTC)",
            description = "What its agents reported spending since midnight UTC and what instances still running "
                    + "reserve (their budgets), all installations together and each one, with the daily limit "
                    + "(para.sessions.budget.per-installation-day) and what is left of it.")
    public Uni<SessionBudgets.Usage> usage() {
        return budgets.usage(caller.id());
    }
}
