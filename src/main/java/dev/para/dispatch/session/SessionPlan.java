package dev.para.dispatch.session;

import dev.para.dispatch.installation.Installation;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * A request checked and completed with defaults and GitHub's answers, ready to be written
 * ({@link SessionPlanner} makes it, {@link SessionWriter} writes it).
 */
record SessionPlan(
        UUID id,
        String accountId,
        String actor,
        Installation installation,
        String repository,
        String sourceBranch,
        String prBase,
        String branchBase,
        String slug,
        String prompt,
        String promptFile,
        int instances,
        AgentImageChoice agentImage,
        int timeoutMinutes,
        Integer maxTurns,
        String model,
        BigDecimal budgetUsd,
        String idempotencyKey,
        String requestHash,
        UUID recoveredFrom,
        Trigger trigger,
        String actingGithubLogin) {

    /** The image a session runs, and the name of the account's agent image it is, if it is one. */
    record AgentImageChoice(String image, String name) {}

    /** The issue (and comment) that started the session, when a comment did; both null for the API. */
    record Trigger(Integer issue, Long comment) {
        static final Trigger NONE = new Trigger(null, null);
    }
}
