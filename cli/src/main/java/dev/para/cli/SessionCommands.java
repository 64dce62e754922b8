package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The session commands: dispatch, list, show, follow, logs, cancel, recover. */
final class SessionCommands {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?");

    private SessionCommands() {}

    static boolean ended(String state) {
        return !state.equals("QUEUED") && !state.equals("RUNNING");
    }

    /** {@code 30m}, {@code 2h}, {@code 1h30m} or plain minutes, in whole minutes. */
    static int minutes(String duration) {
        String d = duration.strip().toLowerCase();
        if (d.matches("\\d+")) {
            return Integer.parseInt(d);
        }
        Matcher m = DURATION.matcher(d);
        if (d.isEmpty() || !m.matches()) {
            throw CommandFailure.usage("--timeout must be minutes or a duration such as 30m, 2h or 1h30m: " + duration);
        }
        int hours = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        int minutes = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return hours * 60 + minutes;
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

    @Command(name = "dispatch", description = "Run a prompt against a repository, N times in parallel")
    static final class Dispatch implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Parameters(
                arity = "0..1",
                paramLabel = "PROMPT",
                description = "what the agent is asked to do; - reads it from standard input")
        String prompt;

        @Option(names = "--repo", required = true, description = "owner/repository")
        String repository;

        @Option(
                names = {"-n", "--instances"},
                description = "how many agents run the prompt side by side (1-10)")
        Integer instances;

        @Option(names = "--prompt-file", description = "a file in the repository whose text is the prompt")
        String promptFile;

        @Option(names = "--branch", description = "the branch the agents start from (the repository's default)")
        String branch;

        @Option(names = "--pr-base", description = "the branch the pull requests target (the source branch)")
        String prBase;

        @Option(names = "--image", description = "a named agent image (para images)")
        String image;

        @Option(names = "--max-turns", description = "the most turns an agent may take")
        Integer maxTurns;

        @Option(names = "--timeout", description = "how long an agent may run: minutes, or 30m, 2h, 1h30m")
        String timeout;

        @Option(names = "--name", description = "a name for the session (its slug starts with it)")
        String name;

        @Option(
                names = "--idempotency-key",
                description = "the same key twice gives the same session: safe to retry a dispatch")
        String idempotencyKey;

        @Option(
                names = {"-f", "--follow"},
                description = "follow it live until it ends")
        boolean follow;

        @Override
        public Integer call() throws IOException {
            if ((prompt == null) == (promptFile == null)) {
                throw CommandFailure.usage("give a PROMPT or --prompt-file, not both nor neither");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("repository", repository);
            if (prompt != null) {
                body.put("prompt", prompt.equals("-") ? stdin(para.env) : prompt);
            }
            AccountCommands.put(body, "promptFile", promptFile);
            AccountCommands.put(body, "instances", instances);
            AccountCommands.put(body, "name", name);
            AccountCommands.put(body, "sourceBranch", branch);
            AccountCommands.put(body, "prBase", prBase);
            AccountCommands.put(body, "agentImage", image);
            AccountCommands.put(body, "maxTurns", maxTurns);
            if (timeout != null) {
                body.put("timeoutMinutes", minutes(timeout));
            }
            Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
            Api api = para.api();
            JsonNode session =
                    api.send("POST", "/api/v1/sessions", body, headers).body();
            String id = session.path("id").asText();
            if (output.json()) {
                if (!follow) {
                    Para.printJson(para.out(), session);
                    return ExitCode.OK;
                }
                new Follow(api, id, quiet(para.env), Clock.systemUTC()).run();
                JsonNode end = api.get("/api/v1/sessions/" + id);
                Para.printJson(para.out(), end);
                return outcome(end);
            }
            para.out()
                    .printf(
                            "Session %s (%s): %d instance%s of %s, %s%n",
                            id,
                            session.path("slug").asText(),
                            session.path("instanceCount").asInt(),
                            session.path("instanceCount").asInt() == 1 ? "" : "s",
                            session.path("repository").asText(),
                            session.path("state").asText().toLowerCase());
            if (!follow) {
                para.out().println("Follow it: para follow " + id);
                return ExitCode.OK;
            }
            return new Follow(api, id, para.env, Clock.systemUTC()).run();
        }

        private static String stdin(Env env) throws IOException {
            String text = new String(env.in().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw CommandFailure.usage("the prompt read from standard input is empty");
            }
            return text;
        }

        /** With --output json the live view goes nowhere: the answer is the session at its end. */
        private static Env quiet(Env env) {
            return new Env(
                    env.variables(),
                    env.in(),
                    new PrintStream(java.io.OutputStream.nullOutputStream()),
                    env.err(),
                    false);
        }
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
            Api api = para.api();
            if (!output.json()) {
                return new Follow(api, sessionId(id), para.env, Clock.systemUTC()).run();
            }
            new Follow(api, sessionId(id), Dispatch.quiet(para.env), Clock.systemUTC()).run();
            JsonNode end = api.get("/api/v1/sessions/" + sessionId(id));
            Para.printJson(para.out(), end);
            return outcome(end);
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
            AccountCommands.put(body, "prompt", prompt);
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
            return new Follow(api, session.path("id").asText(), para.env, Clock.systemUTC()).run();
        }
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
