package dev.para.dispatch.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.para.dispatch.Redactor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A session as the API shows it, with its instances. Never carries its token, and its prompt is
 * shown with anything shaped like a credential redacted (the agent gets it as written).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionView(
        UUID id,
        String slug,
        String repository,
        SessionState state,
        String reason,
        String sourceBranch,
        String prBase,
        String promptFile,
        String prompt,
        int instanceCount,
        String agentImage,
        int timeoutMinutes,
        Integer maxTurns,
        String model,
        BigDecimal budgetUsd,
        BigDecimal costUsd,
        Integer pickedInstance,
        UUID recoveredFrom,
        Integer triggerIssue,
        Instant createdAt,
        Instant launchedAt,
        Instant finishedAt,
        List<InstanceView> instances) {

    public SessionView {
        prompt = Redactor.redact(prompt);
    }

    /** What the instances' agents reported spending together; null while none has reported. */
    private static BigDecimal totalCost(List<SessionInstance> instances) {
        return instances.stream()
                .map(i -> i.costUsd)
                .filter(java.util.Objects::nonNull)
                .reduce(BigDecimal::add)
                .orElse(null);
    }

    static SessionView of(Session s, List<SessionInstance> instances) {
        return new SessionView(
                s.id,
                s.slug,
                s.repository,
                s.state,
                s.reason,
                s.sourceBranch,
                s.prBase,
                s.promptFile,
                s.prompt,
                s.instanceCount,
                s.agentImage,
                s.timeoutMinutes,
                s.maxTurns,
                s.model,
                s.budgetUsd,
                totalCost(instances),
                s.pickedInstance,
                s.recoveredFrom,
                s.triggerIssue,
                s.createdAt,
                s.launchedAt,
                s.finishedAt,
                instances.stream().map(InstanceView::of).toList());
    }
}
