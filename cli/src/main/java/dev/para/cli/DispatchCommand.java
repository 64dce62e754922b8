package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/** {@code para dispatch}: run a prompt against a repository, N times in parallel. */
@Command(name = "dispatch", description = "Run a prompt against a repository, N times in parallel")
final class DispatchCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?");

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

    @Option(names = "--model", description = "the model the agents run with (such as sonnet)")
    String model;

    @Option(
            names = "--budget",
            description = "the most each agent may spend, in USD (2.50 or $2.50): it is stopped past it")
    String budget;

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
        Requests.put(body, "promptFile", promptFile);
        Requests.put(body, "instances", instances);
        Requests.put(body, "name", name);
        Requests.put(body, "sourceBranch", branch);
        Requests.put(body, "prBase", prBase);
        Requests.put(body, "agentImage", image);
        Requests.put(body, "maxTurns", maxTurns);
        Requests.put(body, "model", model);
        if (budget != null) {
            body.put("budgetUsd", usd(budget));
        }
        if (timeout != null) {
            body.put("timeoutMinutes", minutes(timeout));
        }
        Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
        Api api = para.api();
        JsonNode session = api.send("POST", "/api/v1/sessions", body, headers).body();
        String id = session.path("id").asText();
        if (output.json()) {
            if (!follow) {
                Para.printJson(para.out(), session);
                return ExitCode.OK;
            }
            return SessionCommands.follow(para, api, id, true);
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
        return SessionCommands.follow(para, api, id, false);
    }

    private static String stdin(Env env) throws IOException {
        String text = new String(env.in().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw CommandFailure.usage("the prompt read from standard input is empty");
        }
        return text;
    }

    /** {@code 2.50} or {@code $2.50}, as a number. */
    static java.math.BigDecimal usd(String amount) {
        try {
            return new java.math.BigDecimal(amount.strip().replaceFirst("^\\$", ""));
        } catch (NumberFormatException e) {
            throw CommandFailure.usage("--budget must be an amount in USD, such as 2.50 or $2.50: " + amount);
        }
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
}
