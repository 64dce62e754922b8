package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows a session live: one line per instance — spinner, state, elapsed time, turns and cost as
 * the API reports them, what the agent last said, the PR link — redrawn in place on a terminal,
 * appended as plain lines (only when something a person would read changed) otherwise. Reads the
 * session's event stream, resuming with {@code Last-Event-ID} after a dropped connection; once
 * the session has ended, waits a little for the PRs of the instances that pushed work.
 */
final class Follow {

    private static final Duration PR_WAIT = Duration.ofSeconds(60);
    private static final int RECONNECTS = 8;

    private final Api api;
    private final String sessionId;
    private final PrintStream out;
    private final boolean terminal;
    private final InstanceLine lines;
    private final Clock clock;
    private final Map<Integer, InstanceLine.Row> rows = new TreeMap<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private String sessionState = "QUEUED";
    private String sessionReason;
    private int drawn;
    private int tick;

    Follow(Api api, String sessionId, Env env, Clock clock) {
        this.api = api;
        this.sessionId = sessionId;
        this.out = env.out();
        this.terminal = env.terminal();
        this.lines = new InstanceLine(env.unicode(), env.colour(), clock);
        this.clock = clock;
    }

    /** Follows until the session ends (and its PRs are open); the exit code of its outcome. */
    int run() {
        update(api.get("/api/v1/sessions/" + sessionId));
        Thread interrupted = new Thread(() -> {
            if (!done.get()) {
                synchronized (this) {
                    out.println();
                    out.println("Stopped following; the session goes on. Follow it again: para follow " + sessionId);
                    out.flush();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(interrupted);
        Thread spinner = null;
        if (terminal) {
            spinner = new Thread(this::spin, "para-spinner");
            spinner.setDaemon(true);
            spinner.start();
        }
        try {
            if (!SessionCommands.ended(sessionState)) {
                stream();
            }
            awaitPullRequests();
            done.set(true);
            synchronized (this) {
                draw();
                if (sessionReason != null && !sessionState.equals("SUCCEEDED")) {
                    out.println(sessionState.toLowerCase() + ": " + sessionReason);
                }
            }
            return sessionState.equals("SUCCEEDED") ? ExitCode.OK : ExitCode.FAILED;
        } finally {
            done.set(true);
            if (spinner != null) {
                spinner.interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it says how to follow again
            }
        }
    }

    private void stream() {
        String lastEventId = null;
        int failures = 0;
        while (!SessionCommands.ended(sessionState)) {
            String[] last = {lastEventId};
            try {
                api.events("/api/v1/sessions/" + sessionId + "/events", lastEventId, event -> {
                    if (event.id() != null) {
                        last[0] = event.id();
                    }
                    onEvent(event);
                });
                failures = 0;
            } catch (IOException | CommandFailure e) {
                if (e instanceof CommandFailure f && f.exitCode() != ExitCode.SERVER) {
                    throw f;
                }
                if (++failures > RECONNECTS) {
                    throw new CommandFailure(
                            ExitCode.SERVER,
                            "lost the event stream (" + e.getMessage() + "); follow it again: para follow "
                                    + sessionId);
                }
                sleep(Duration.ofMillis(Math.min(8000, 500L << failures)));
            }
            lastEventId = last[0];
            if (!SessionCommands.ended(sessionState)) {
                // the stream ended without the session's end (a replica went away): resume after the last event
                update(api.get("/api/v1/sessions/" + sessionId));
            }
        }
    }

    private void onEvent(Api.Event event) {
        JsonNode data = Api.parse(event.data());
        if (data == null) {
            return;
        }
        synchronized (this) {
            if (event.name().equals("state")) {
                if (data.path("instance").isInt()) {
                    InstanceLine.Row row = row(data.path("instance").asInt());
                    row.state = data.path("state").asText(row.state);
                    row.reason = text(data.path("reason"));
                    Instant at = instant(data.path("occurredAt"));
                    if (row.state.equals("RUNNING") && row.startedAt == null) {
                        row.startedAt = at;
                    }
                    if (row.ended() && row.finishedAt == null) {
                        row.finishedAt = at;
                    }
                } else {
                    sessionState = data.path("state").asText(sessionState);
                    sessionReason = text(data.path("reason"));
                }
            } else if (event.name().equals("progress") && data.path("instance").isInt()) {
                InstanceLine.Row row = row(data.path("instance").asInt());
                if (data.path("turns").isInt()) {
                    row.turns = data.path("turns").asInt();
                }
                if (data.path("costUsd").isNumber()) {
                    row.cost = String.format("$%.4f", data.path("costUsd").asDouble());
                }
                String said = text(data.path("lastText"));
                String tool = text(data.path("lastTool"));
                row.last = said != null ? said : tool != null ? "using " + tool : row.last;
            }
            draw();
        }
    }

    /** Takes the session as GET answers it: states, counts, cost, PR links. */
    private synchronized void update(JsonNode session) {
        sessionState = session.path("state").asText(sessionState);
        sessionReason = text(session.path("reason"));
        int count = session.path("instanceCount").asInt(0);
        for (int i = 1; i <= count; i++) {
            row(i);
        }
        for (JsonNode i : session.path("instances")) {
            InstanceLine.Row row = row(i.path("index").asInt());
            row.state = i.path("state").asText(row.state);
            row.reason = text(i.path("reason"));
            if (instant(i.path("startedAt")) != null) {
                row.startedAt = instant(i.path("startedAt"));
            }
            row.finishedAt = instant(i.path("finishedAt"));
            if (i.path("turns").isInt()) {
                row.turns = i.path("turns").asInt();
            }
            if (i.path("costUsd").isNumber()) {
                row.cost = String.format("$%.4f", i.path("costUsd").asDouble());
            }
            row.prUrl = text(i.path("prUrl"));
        }
        draw();
    }

    /** PRs are opened just after an instance succeeds: wait for those of instances that pushed. */
    private void awaitPullRequests() {
        Instant until = clock.instant().plus(PR_WAIT);
        while (true) {
            JsonNode session = api.get("/api/v1/sessions/" + sessionId);
            update(session);
            boolean waiting = false;
            for (JsonNode i : session.path("instances")) {
                waiting |= i.path("state").asText().equals("SUCCEEDED")
                        && i.path("pushed").asBoolean(false)
                        && !i.path("prUrl").isTextual();
            }
            if (!waiting || clock.instant().isAfter(until)) {
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private void spin() {
        while (!done.get()) {
            sleep(Duration.ofMillis(120));
            synchronized (this) {
                if (!done.get()) {
                    tick++;
                    draw();
                }
            }
        }
    }

    /** Redraws every row in place (terminal), or appends the rows whose text changed (plain). */
    private void draw() {
        if (terminal) {
            StringBuilder s = new StringBuilder();
            if (drawn > 0) {
                s.append("\033[").append(drawn).append('F'); // to the start of the first row drawn
            }
            for (InstanceLine.Row row : rows.values()) {
                s.append("\033[2K").append(lines.render(row, true, tick)).append('\n');
            }
            drawn = rows.size();
            out.print(s);
            out.flush();
        } else {
            for (InstanceLine.Row row : rows.values()) {
                String text = lines.render(row, false, tick);
                if (!text.equals(row.plainShown)) {
                    row.plainShown = text;
                    out.println(text);
                }
            }
            out.flush();
        }
    }

    private InstanceLine.Row row(int index) {
        return rows.computeIfAbsent(index, InstanceLine.Row::new);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
