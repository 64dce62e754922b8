package dev.para.dispatch.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Sessions: limits and defaults of a request, quotas, the launcher, the refresher and publishing. */
@ConfigMapping(prefix = "para.sessions")
public interface SessionConfig {

    /** The most instances one session may ask for. */
    @WithDefault("10")
    int maxInstances();

    /** The image agents run in when a request names none. */
    @WithDefault("ghcr.io/para-dispatch/agent:latest")
    String defaultAgentImage();

    /** Images a request may name by a short name: {@code para.sessions.agent-images.<name>=<reference>}. */
    Map<String, String> agentImages();

    /** How long an instance may run when the request says nothing ({@code activeDeadlineSeconds}). */
    @WithDefault("60")
    int defaultTimeoutMinutes();

    /** The longest run a request may ask for. */
    @WithDefault("1440")
    int maxTimeoutMinutes();

    /** The agent's turn limit when the request says nothing; absent means the agent's own default. */
    Optional<Integer> defaultMaxTurns();

    /** The largest prompt, given inline or read from a file of the repository. */
    @WithDefault("65536")
    int maxPromptBytes();

    /** Quotas on sessions not yet ended (queued or running); beyond them a create is answered 429. */
    Quota quota();

    /** What agents may spend, as they report their cost. */
    Budget budget();

    /** The tracking comment of a session on its issue. */
    Tracking tracking();

    /** The launcher: claims queued sessions and creates their Jobs. */
    Launch launch();

    /** The refresher of the tokens of running sessions. */
    TokenRefresh tokenRefresh();

    /** An instance whose pod stays Pending this long fails, with the pod's last waiting reason. */
    @WithDefault("15m")
    Duration pendingTimeout();

    /** Publishing of pull requests for instances that pushed work. */
    Publish publish();

    /** The comment trigger on issues and pull requests. */
    Comments comments();

    /** The git identity of the commits an agent makes. */
    GitIdentity git();

    /** Where pods clone from: {@code <git-url>/<owner>/<repo>.git}; absent means para.github.web-url. */
    Optional<URI> gitUrl();

    /** Open event streams and followed logs. */
    Streams streams();

    interface Streams {
        /** Streams (events, followed logs) one account may hold open on one replica; beyond them 429. */
        @WithDefault("10")
        int perAccount();

        /** Streams one replica holds open at most, all accounts together; beyond them 429. */
        @WithDefault("500")
        int perReplica();

        /**
         * Logs followed at once on one replica: each holds a thread (the Kubernetes client blocks)
         * of a pool of its own, so they never take the threads other work needs.
         */
        @WithDefault("32")
        int followedLogs();

        /** A stream that has sent nothing for this long is ended (the client reconnects with Last-Event-ID). */
        @WithDefault("10m")
        Duration maxIdle();
    }

    interface Quota {
        /** Sessions not yet ended per account. */
        @WithDefault("50")
        int perAccount();

        /** Sessions not yet ended per installation. */
        @WithDefault("20")
        int perInstallation();

        /** The {@code Retry-After} of a 429. */
        @WithDefault("30s")
        Duration retryAfter();
    }

    interface Tracking {
        /** How often comments due for an edit are looked for. */
        @WithDefault("2s")
        Duration interval();

        /** The least time between two edits of one comment: changes in between are edited in together. */
        @WithDefault("5s")
        Duration minEditGap();
    }

    interface Budget {
        /** Each instance's budget (USD) when a request names none; none: no budget. */
        Optional<BigDecimal> defaultPerInstance();

        /** The most a session may reserve: instances × each one's budget (USD); none: no limit. */
        Optional<BigDecimal> maxPerSession();

        /**
         * What one installation's sessions may spend in a day (UTC): the costs reported since
         * midnight plus the budgets of instances still going (USD); none: no limit.
         */
        Optional<BigDecimal> perInstallationDay();
    }

    interface Launch {
        /** How often the sweep looks for queued sessions nobody launched (a crash, Kubernetes away). */
        @WithDefault("10s")
        Duration sweepInterval();

        /** How long a launcher owns a claimed session before another may take it over. */
        @WithDefault("2m")
        Duration claimLease();

        /** Wait before a failed launch is tried again; doubled per attempt up to the lease, with jitter. */
        @WithDefault("5s")
        Duration retryDelay();

        /** Launch attempts before a session fails for good. */
        @WithDefault("10")
        int maxAttempts();

        /** Sessions one sweep claims at most. */
        @WithDefault("20")
        int batchSize();
    }

    interface TokenRefresh {
        /** How often running sessions are checked for tokens near expiry. */
        @WithDefault("1m")
        Duration interval();

        /** A session's token is replaced this long before it expires. */
        @WithDefault("5m")
        Duration buffer();

        /** Sessions one pass refreshes at most. */
        @WithDefault("50")
        int batchSize();
    }

    interface Publish {
        /** How often the sweep looks for pushed branches still without a pull request. */
        @WithDefault("30s")
        Duration sweepInterval();

        /** Lines of the prompt quoted in a pull request body. */
        @WithDefault("10")
        int promptLines();
    }

    interface Comments {
        /** The handle that starts a comment trigger. */
        @WithDefault("@para")
        String handle();

        /** Instances of a session started by a comment. */
        @WithDefault("1")
        int instances();

        /**
         * Put the text of issue authors who cannot push into the prompt too (sanitized and quoted).
         * Off by default: their words are a stranger's instructions to an agent with write access.
         */
        @WithDefault("false")
        boolean includeUntrusted();
    }

    interface GitIdentity {
        @WithDefault("para-dispatch")
        String name();

        @WithDefault("para-dispatch@users.noreply.github.com")
        String email();
    }
}
