package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The commands on existing sessions: list, show, follow, logs, cancel, recover.
 *
 * <p>Over 300 lines: six small picocli commands on a session id, with the helpers they share
 * (printing a session, its outcome as an exit code, following it, reading an id).
 */
final class SessionCommands {

    private SessionCommands() {}

    static boolean ended(String state) {
        return !state.equals("QUEUED") && !state.equals("RUNNING");
    }

    /** A session in a few lines, as a person reads it. */
    static void print(PrintStream out, JsonNode s) {
        out.printf(
                "%s  %s  %s  %s%n",
                s.path("id").asText(),
                s.path("slug").asText(),
                s.path("repository").asText(),
                s.path("state").asText());
        if (s.path("reason").isTextual()) {
            out.println("  " + s.path("reason").asText());
        }
        for (JsonNode i : s.path("instances")) {
            StringBuilder line = new StringBuilder("  #")
                    .append(i.path("index").asInt())
                    .append(' ')
                    .append(Text.fit(i.path("state").asText(), 10));
            if (i.path("turns").isInt()) {
                line.append(" turns ").append(i.path("turns").asInt());
            }
            if (i.path("costUsd").isNumber()) {
                line.append(String.format(" $%.4f", i.path("costUsd").asDouble()));
            }
            if (i.path("branch").isTextual()) {
                line.append("  ").append(i.path("branch").asText());
            }
            if (i.path("prUrl").isTextual()) {
                line.append("  ").append(i.path("prUrl").asText());
            } else if (i.path("reason").isTextual()) {
                line.append("  ").append(Text.firstLine(i.path("reason").asText(), 100));
            }
            out.println(line);
        }
    }

    /** The exit code of a session's outcome: 0 when it succeeded or still runs, 1 when it failed or was cancelled. */
    static int outcome(JsonNode session) {
        String state = session.path("state").asText();
        return !ended(state) || state.equals("SUCCEEDED") ? ExitCode.OK : ExitCode.FAILED;
    }

    @Command(name = "sessions", description = "Your sessions, newest first")
    static final class Sessions implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Option(names = "--state", description = "queued, running, succeeded, failed or cancelled (repeatable)")
        java.util.List<String> states;

        @Option(names = "--repo", description = "owner/repository")
        String repository;

        @Option(names = "--limit", defaultValue = "20", description = "how many at most (default 20)")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw CommandFailure.usage("--limit must be 1 or more");
            }
            Api api = para.api();
            ArrayNode sessions = Api.JSON.createArrayNode();
            String cursor = null;
            do {
                StringBuilder path = new StringBuilder(Api.path(
                        "/api/v1/sessions",
                        query(
                                "limit",
                                Math.min(100, limit - sessions.size()),
                                "repository",
                                repository,
                                "cursor",
                                cursor)));
                if (states != null) {
                    for (String state : states) {
                        path.append(path.indexOf("?") < 0 ? '?' : '&')
                                .append("state=")
                                .append(Api.segment(state.toUpperCase()));
                    }
                }
                JsonNode page = api.get(path.toString());
                page.path("items").forEach(sessions::add);
                cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (cursor != null && sessions.size() < limit);
            if (output.json()) {
                Para.printJson(para.out(), sessions);
                return ExitCode.OK;
            }
            if (sessions.isEmpty()) {
                para.out().println("No sessions.");
            }
            for (JsonNode s : sessions) {
                para.out()
                        .printf(
                                "%s  %-10s %-30s %d  %s%n",
                                s.path("id").asText(),
                                s.path("state").asText(),
                                s.path("repository").asText(),
                                s.path("instanceCount").asInt(),
                                s.path("createdAt").asText());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "One session and its instances")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode session = para.api().get("/api/v1/sessions/" + sessionId(id));
            if (output.json()) {
                Para.printJson(para.out(), session);
            } else {
                print(para.out(), session);
            }
            return outcome(session);
        }
    }

    @Command(name = "follow", description = "Follow a session live until it ends (Ctrl-C leaves it running)")
    static final class FollowCommand implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return follow(para, para.api(), sessionId(id), output.json());
        }
    }

    @Command(name = "logs", description = "An instance's log, with anything shaped like a secret redacted")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(
                names = {"-i", "--instance"},
                defaultValue = "1",
                description = "which instance (default 1)")
        int instance;

        @Option(
                names = {"-f", "--follow"},
                description = "stream it until the instance ends")
        boolean follow;

        @Override
        public Integer call() {
            para.api()
                    .lines(
                            "/api/v1/sessions/" + sessionId(id) + "/instances/" + instance + "/logs"
                                    + (follow ? "?follow=true" : ""),
                            line -> {
                                para.out().println(line);
                                para.out().flush();
                            });
            return ExitCode.OK;
        }
    }

    @Command(name = "cancel", description = "Cancel a session: its agents stop, their work is kept as WIP")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode session = para.api()
                    .send("POST", "/api/v1/sessions/" + sessionId(id) + "/cancel", null, Map.of())
                    .body();
            if (output.json()) {
                Para.printJson(para.out(), session);
            } else {
                para.out()
                        .println("Session " + session.path("id").asText() + " is "
                                + session.path("state").asText().toLowerCase());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "recover", description = "Continue from an instance's branch in a new session")
    static final class Recover implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(
                names = {"-i", "--instance"},
                required = true,
                description = "the instance to continue from")
        int instance;

        @Option(names = "--prompt", description = "what to do now (the session's prompt otherwise)")
        String prompt;

        @Option(
                names = {"-f", "--follow"},
                description = "follow the new session live")
        boolean follow;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("instance", instance);
            Requests.put(body, "prompt", prompt);
            Api api = para.api();
            JsonNode session = api.send("POST", "/api/v1/sessions/" + sessionId(id) + "/recover", body, Map.of())
                    .body();
            if (output.json()) {
                Para.printJson(para.out(), session);
                return ExitCode.OK;
            }
            para.out()
                    .println("Session " + session.path("id").asText() + " continues from "
                            + session.path("sourceBranch").asText());
            if (!follow) {
                para.out()
                        .println("Follow it: para follow " + session.path("id").asText());
                return ExitCode.OK;
            }
            return follow(para, api, session.path("id").asText(), false);
        }
    }

    /**
     * Follows a session to its end; the exit code of its outcome. With {@code json} nothing is
     * drawn: the answer is the session as it ended, for scripts.
     */
    static int follow(Para para, Api api, String id, boolean json) {
        if (!json) {
            return new Follow(api, id, para.env, Clock.systemUTC()).run();
        }
        Env quiet = new Env(
                para.env.variables(),
                para.env.in(),
                new PrintStream(java.io.OutputStream.nullOutputStream()),
                para.env.err(),
                false);
        new Follow(api, id, quiet, Clock.systemUTC()).run();
        JsonNode end = api.get("/api/v1/sessions/" + id);
        Para.printJson(para.out(), end);
        return outcome(end);
    }

    /** A session id as typed: a UUID, checked here so that a typo is a usage error, not a 404. */
    static String sessionId(String id) {
        try {
            return java.util.UUID.fromString(id.strip()).toString();
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("not a session id: " + id + " (para sessions lists them)");
        }
    }

    private static Map<String, Object> query(Object... pairs) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put((String) pairs[i], pairs[i + 1]);
        }
        return query;
    }
}
