package dev.para.dispatch.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;

/** An instance as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceView(
        int index,
        InstanceState state,
        String reason,
        String branch,
        String headCommit,
        Boolean pushed,
        Integer exitCode,
        BigDecimal costUsd,
        Integer turns,
        Integer filesChanged,
        Integer insertions,
        Integer deletions,
        Boolean testsChanged,
        String summary,
        Integer prNumber,
        String prUrl,
        Instant startedAt,
        Instant finishedAt) {

    static InstanceView of(SessionInstance i) {
        return new InstanceView(
                i.index,
                i.state,
                i.reason,
                i.branch,
                i.headCommit,
                i.pushed,
                i.exitCode,
                i.costUsd,
                i.turns,
                i.filesChanged,
                i.insertions,
                i.deletions,
                i.testsChanged,
                i.summary,
                i.prNumber,
                i.prUrl,
                i.startedAt,
                i.finishedAt);
    }
}
