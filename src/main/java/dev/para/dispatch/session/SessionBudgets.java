package dev.para.dispatch.session;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What agents may spend, at three levels: each instance's budget (the agent is stopped when its
 * reported cost passes it: the entrypoint's part), a session's reservation (instances × budget,
 * within {@code para.sessions.budget.max-per-session}), and an installation's day (UTC): the costs
 * reported since midnight plus the budgets of instances still going, within
 * {@code para.sessions.budget.per-installation-day}. Costs are the agents' own reports.
 */
@ApplicationScoped
public class SessionBudgets {

    /** One installation's day: what its instances spent since midnight and what those still going reserve. */
    public record Day(long installationId, BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal limitUsd) {

        /** What is left today, never below zero; null without a limit. */
        @com.fasterxml.jackson.annotation.JsonProperty("leftUsd")
        public BigDecimal leftUsd() {
            return limitUsd == null
                    ? null
                    : limitUsd.subtract(spentUsd).subtract(reservedUsd).max(BigDecimal.ZERO);
        }
    }

    /** The caller's spend today (UTC), all its installations together and each one. */
    public record Usage(LocalDate date, BigDecimal spentUsd, BigDecimal reservedUsd, List<Day> installations) {}

    private final SessionConfig config;
    private final SessionRepository sessions;
    private final Clock clock;

    SessionBudgets(SessionConfig config, SessionRepository sessions, Clock clock) {
        this.config = config;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Each instance's budget: the request's, else the configured default, else none (null). */
    BigDecimal perInstance(CreateSessionRequest r) {
        return r.budgetUsd() != null
                ? r.budgetUsd()
                : config.budget().defaultPerInstance().orElse(null);
    }

    /** A session reserves instances × budget; more than the session limit is refused (422), naming both. */
    void checkSession(int instances, BigDecimal perInstance) {
        BigDecimal max = config.budget().maxPerSession().orElse(null);
        if (max == null) {
            return;
        }
        if (perInstance == null) {
            throw new ProblemException(
                    ProblemType.BUDGET_OVER_SESSION_LIMIT,
                    "A session may spend at most $" + usd(max) + ": give budgetUsd, the most each instance may spend");
        }
        BigDecimal reserved = perInstance.multiply(BigDecimal.valueOf(instances));
        if (reserved.compareTo(max) > 0) {
            throw new ProblemException(
                    ProblemType.BUDGET_OVER_SESSION_LIMIT,
                    instances + " instance(s) × $" + usd(perInstance) + " = $" + usd(reserved)
                            + " is more than a session may spend, $" + usd(max));
        }
    }

    /**
     * The installation's day leaves room for {@code instances × perInstance} more (or, without a
     * budget, is not spent yet); else 429 until midnight UTC, saying what is left. Called under
     * the installation's row lock, so that two creates cannot both take the last of it.
     */
    Uni<Void> checkDay(long installationId, String account, int instances, BigDecimal perInstance) {
        BigDecimal limit = config.budget().perInstallationDay().orElse(null);
        if (limit == null) {
            return Uni.createFrom().voidItem();
        }
        return day(installationId, limit)
                .invoke(day -> {
                    BigDecimal wanted =
                            perInstance == null ? BigDecimal.ZERO : perInstance.multiply(BigDecimal.valueOf(instances));
                    BigDecimal committed = day.spentUsd().add(day.reservedUsd());
                    if (committed.add(wanted).compareTo(limit) > 0
                            || (perInstance == null && committed.compareTo(limit) >= 0)) {
                        throw new ProblemException(
                                ProblemType.DAILY_BUDGET_SPENT,
                                "The installation on " + account + " may spend $" + usd(limit) + " a day (UTC): $"
                                        + usd(day.spentUsd()) + " spent and $" + usd(day.reservedUsd())
                                        + " reserved by instances still running leave $" + usd(day.leftUsd())
                                        + ", and this session asks for $" + usd(wanted)
                                        + ". Try again after midnight UTC.",
                                List.of(),
                                untilMidnight());
                    }
                })
                .replaceWithVoid();
    }

    /** The caller's spend today. */
    public Uni<Usage> usage(String accountId) {
        BigDecimal limit = config.budget().perInstallationDay().orElse(null);
        return sessions.dayUsageOfAccount(accountId, midnight()).map(days -> {
            List<Day> installations = days.stream()
                    .map(d -> new Day(d.installationId(), d.spentUsd(), d.reservedUsd(), limit))
                    .toList();
            return new Usage(
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
                    installations.stream().map(Day::spentUsd).reduce(BigDecimal.ZERO, BigDecimal::add),
                    installations.stream().map(Day::reservedUsd).reduce(BigDecimal.ZERO, BigDecimal::add),
                    installations);
        });
    }

    private Uni<Day> day(long installationId, BigDecimal limit) {
        return sessions.dayUsage(installationId, midnight())
                .map(d -> new Day(installationId, d.spentUsd(), d.reservedUsd(), limit));
    }

    private Instant midnight() {
        return clock.instant().truncatedTo(ChronoUnit.DAYS);
    }

    /** Until the next midnight UTC, when the day's budget starts over: at least a second. */
    Duration untilMidnight() {
        Instant now = clock.instant();
        Instant midnight = now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        // whole seconds, rounded up: Retry-After never points before midnight
        long seconds = Duration.between(now, midnight).plusNanos(999_999_999).getSeconds();
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static String usd(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
