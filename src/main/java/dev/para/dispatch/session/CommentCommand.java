package dev.para.dispatch.session;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an {@code @para …} comment asks, parsed once, strictly: a command word ({@code status},
 * {@code stop}, {@code pick N}, {@code retry N}, {@code help}) is that command and nothing else,
 * so no session ever starts whose prompt is a command word; otherwise flags ({@code -n N},
 * {@code --model M}, {@code --max-turns T}, {@code --budget $X}; {@code --} ends them) and the
 * prompt. Anything not understood is said back, and nothing starts. Pure: tested as a table.
 */
public sealed interface CommentCommand {

    /** Start a session; null fields take the account's defaults. */
    record Start(Integer instances, String model, Integer maxTurns, BigDecimal budgetUsd, String prompt)
            implements CommentCommand {}

    /** Reply with (or refresh) the state of the sessions. */
    record Status() implements CommentCommand {}

    /** Cancel the running sessions. */
    record Stop() implements CommentCommand {}

    /** Keep instance {@code instance}'s pull request and close the others. */
    record Pick(int instance) implements CommentCommand {}

    /** Start again from instance {@code instance}'s branch. */
    record Retry(int instance) implements CommentCommand {}

    /** Reply with what the commands are. */
    record Help() implements CommentCommand {}

    /** A comment addressed to us that asks for nothing we do; {@code why} says what was not understood. */
    record NotUnderstood(String why) implements CommentCommand {}

    /** Model names as Claude Code takes them ({@code sonnet}, {@code claude-opus-4-1-20250805}). */
    Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    /** The commands as {@code @para help} lists them. */
    static String help(String handle) {
        return String.join(
                "\n",
                "| command | does |",
                "|---|---|",
                "| `" + handle + " [-n N] [--model M] [--max-turns T] [--budget $X] <prompt>` | runs the prompt"
                        + " against this repository, N times side by side (`--` ends the flags) |",
                "| `" + handle + " status` | the state of this issue's sessions |",
                "| `" + handle + " stop` | cancels them; their work is kept as WIP branches |",
                "| `" + handle + " pick <n>` | marks instance n's pull request ready and closes the others |",
                "| `" + handle + " retry <n>` | starts again from instance n's branch |",
                "| `" + handle + " help` | this list |");
    }

    /** Parses what follows the handle, {@code maxInstances} being the most a session may have. */
    static CommentCommand parse(String text, int maxInstances) {
        String rest = text == null ? "" : text.strip();
        if (rest.isEmpty()) {
            return new NotUnderstood("there is nothing after the handle; `help` lists the commands");
        }
        String word = rest.split("\\s+", 2)[0];
        String args = rest.substring(word.length()).strip();
        String command = word.toLowerCase(Locale.ROOT);
        switch (command) {
            case "status", "stop", "help" -> {
                if (!args.isEmpty()) {
                    return new NotUnderstood("`" + command + "` takes nothing after it; to start a session whose prompt"
                            + " begins with \"" + word + "\", put `--` before the prompt");
                }
                return switch (command) {
                    case "status" -> new Status();
                    case "stop" -> new Stop();
                    default -> new Help();
                };
            }
            case "pick", "retry" -> {
                if (!args.matches("[1-9][0-9]{0,2}")) {
                    return new NotUnderstood("`" + command + "` takes an instance number, such as `" + command + " 2`");
                }
                int n = Integer.parseInt(args);
                return command.equals("pick") ? new Pick(n) : new Retry(n);
            }
            default -> {
                return start(rest, maxInstances);
            }
        }
    }

    private static CommentCommand start(String rest, int maxInstances) {
        Integer instances = null;
        String model = null;
        Integer maxTurns = null;
        BigDecimal budget = null;
        int at = 0;
        while (true) {
            at = skipSpace(rest, at);
            if (at >= rest.length() || rest.charAt(at) != '-') {
                break;
            }
            int end = wordEnd(rest, at);
            String flag = rest.substring(at, end);
            at = end;
            if (flag.equals("--")) {
                break;
            }
            String value = null;
            int equals = flag.indexOf('=');
            if (equals > 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            }
            if (!flag.equals("-n")
                    && !flag.equals("--instances")
                    && !flag.equals("--model")
                    && !flag.equals("--max-turns")
                    && !flag.equals("--budget")) {
                return new NotUnderstood("`" + flag + "` is not a flag I know (`-n`, `--model`, `--max-turns`,"
                        + " `--budget`); to start a prompt with a dash, put `--` before it");
            }
            if (value == null) {
                at = skipSpace(rest, at);
                if (at >= rest.length()) {
                    return new NotUnderstood("`" + flag + "` needs a value");
                }
                end = wordEnd(rest, at);
                value = rest.substring(at, end);
                at = end;
            }
            switch (flag) {
                case "-n", "--instances" -> {
                    if (!value.matches("[0-9]{1,3}")
                            || Integer.parseInt(value) < 1
                            || Integer.parseInt(value) > maxInstances) {
                        return new NotUnderstood("`" + flag + "` takes a number of instances from 1 to " + maxInstances
                                + ", not `" + value + "`");
                    }
                    instances = Integer.parseInt(value);
                }
                case "--model" -> {
                    if (!MODEL.matcher(value).matches()) {
                        return new NotUnderstood("`--model` takes a model name such as `sonnet`, not `" + value + "`");
                    }
                    model = value;
                }
                case "--max-turns" -> {
                    if (!value.matches("[0-9]{1,5}")
                            || Integer.parseInt(value) < 1
                            || Integer.parseInt(value) > 10_000) {
                        return new NotUnderstood("`--max-turns` takes a number from 1 to 10000, not `" + value + "`");
                    }
                    maxTurns = Integer.parseInt(value);
                }
                default -> {
                    String amount = value.startsWith("$") ? value.substring(1) : value;
                    if (!amount.matches("[0-9]{1,5}(\\.[0-9]{1,4})?") || new BigDecimal(amount).signum() <= 0) {
                        return new NotUnderstood(
                                "`--budget` takes an amount in USD such as `$2.50`, not `" + value + "`");
                    }
                    budget = new BigDecimal(amount);
                }
            }
        }
        String prompt = rest.substring(Math.min(at, rest.length())).strip();
        if (prompt.isEmpty()) {
            return new NotUnderstood("there is no prompt after the flags");
        }
        return new Start(instances, model, maxTurns, budget, prompt);
    }

    private static int skipSpace(String s, int at) {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        return at;
    }

    private static int wordEnd(String s, int at) {
        while (at < s.length() && !Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        return at;
    }
}
