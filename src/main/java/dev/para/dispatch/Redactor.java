package dev.para.dispatch;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides anything shaped like a credential in text before it leaves the service (a pod's log line,
 * a prompt shown or posted, an exception's message logged or stored): GitHub tokens, Anthropic
 * keys, JWTs, AWS access keys, bearer and Basic credentials, credentials in URLs, {@code key=value}
 * secrets, private key blocks ({@link Lines} follows one over the lines of a log).
 *
 * <p>It runs in time linear in the text, whatever the text: each shape is looked for only in text
 * that holds its trigger (a plain substring search), each pattern starts with a literal and has
 * possessive or bounded quantifiers, so a hostile log line cannot stall the thread that streams it
 * (bench/redactor.sh).
 */
public final class Redactor {

    public static final String REDACTED = "[REDACTED]";

    /**
     * A shape of secret: found only in text containing {@code trigger} (in lower case when
     * {@code ignoreCase}), and redacted in the span of {@code group} of {@code pattern}.
     */
    private record Shape(String trigger, boolean ignoreCase, Pattern pattern, int group) {
        static Shape of(String trigger, String regex) {
            return of(trigger, regex, 0);
        }

        static Shape of(String trigger, String regex, int group) {
            return new Shape(trigger, false, Pattern.compile(regex), group);
        }

        static Shape anyCase(String trigger, String regex, int group) {
            return new Shape(trigger, true, Pattern.compile(regex, Pattern.CASE_INSENSITIVE), group);
        }
    }

    private static final List<Shape> SHAPES = List.of(
            Shape.of("gh", "gh[pousr]_[A-Za-z0-9]{20,}+"),
            Shape.of("github_pat_", "github_pat_[A-Za-z0-9_]{20,}+"),
            Shape.of("sk-ant-", "sk-ant-[A-Za-z0-9_-]{10,}+"),
            // only where a run of token characters starts: "eyJ" repeated in one long run is tried once
            Shape.of("eyJ", "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}+\\.[A-Za-z0-9_-]{8,}+\\.[A-Za-z0-9_-]{8,}+"),
            Shape.of("AKIA", "AKIA[0-9A-Z]{16}(?![0-9A-Z])"),
            Shape.of("ASIA", "ASIA[0-9A-Z]{16}(?![0-9A-Z])"),
            Shape.anyCase("bearer", "bearer[ \\t]++([A-Za-z0-9._~+/-]{8,}+=*+)", 1),
            Shape.anyCase("basic", "basic[ \\t]++([A-Za-z0-9+/]{8,}+=*+)", 1),
            Shape.of("://", "://([^/@\\s:]{1,256}+:[^/@\\s]{1,256}+)@", 1),
            Shape.of(
                    "PRIVATE KEY",
                    "-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----[^-]*+(?:-----END [A-Z ]{0,32}PRIVATE KEY-----)?+"),
            Shape.anyCase(
                    "key",
                    "(?:api[_-]?key|access[_-]?key)[\"']?[ \\t]{0,3}[=:][ \\t]{0,3}[\"']?([A-Za-z0-9._~+/-]{12,}+)",
                    1),
            Shape.anyCase("token", "token[\"']?[ \\t]{0,3}[=:][ \\t]{0,3}[\"']?([A-Za-z0-9._~+/-]{12,}+)", 1),
            Shape.anyCase("secret", "secret[\"']?[ \\t]{0,3}[=:][ \\t]{0,3}[\"']?([A-Za-z0-9._~+/-]{12,}+)", 1),
            Shape.anyCase("password", "password[\"']?[ \\t]{0,3}[=:][ \\t]{0,3}[\"']?([A-Za-z0-9._~+/-]{12,}+)", 1));

    private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----");
    private static final Pattern PEM_END = Pattern.compile("-----END [A-Z ]{0,32}PRIVATE KEY-----");

    /**
     * Redacts a text given line by line (a pod's log): like {@link #redact}, and also every line
     * between a private key's BEGIN and END lines, which on their own look like any base64.
     */
    public static final class Lines {
        private boolean inPrivateKey;

        public String redact(String line) {
            if (inPrivateKey) {
                if (PEM_END.matcher(line).find()) {
                    inPrivateKey = false;
                }
                return REDACTED;
            }
            if (PEM_BEGIN.matcher(line).find() && !PEM_END.matcher(line).find()) {
                inPrivateKey = true;
            }
            return Redactor.redact(line);
        }
    }

    /** The longest description of a failure that is logged or stored. */
    private static final int MAX_DESCRIPTION = 500;

    private Redactor() {}

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String lower = null;
        for (Shape shape : SHAPES) {
            if (shape.ignoreCase() && lower == null) {
                lower = text.toLowerCase(java.util.Locale.ROOT);
            }
            if ((shape.ignoreCase() ? lower : text).contains(shape.trigger())) {
                text = redact(text, shape);
                lower = null;
            }
        }
        return text;
    }

    /** The text with every match of the shape's group replaced by {@link #REDACTED}. */
    private static String redact(String text, Shape shape) {
        Matcher matcher = shape.pattern().matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (matcher.find()) {
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, matcher.start(shape.group())).append(REDACTED);
            copied = matcher.end(shape.group());
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /**
     * {@link #describe} and where the failure was thrown (its first frames): for an operator who
     * must find the cause. The stack trace itself is never logged, as it carries the messages
     * unredacted.
     */
    public static String trace(Throwable failure) {
        StringBuilder text = new StringBuilder(describe(failure));
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = 0; i < Math.min(5, frames.length); i++) {
            text.append("\n\tat ").append(frames[i]);
        }
        return text.toString();
    }

    /**
     * A failure as a log line or a stored error may carry it: its type and message, and its cause's,
     * with secrets redacted, at most 500 characters. Enough to diagnose; nothing to steal.
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure;
                t != null && text.length() < MAX_DESCRIPTION;
                t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text.append(": ").append(redact(t.getMessage().strip()));
            }
        }
        return text.length() <= MAX_DESCRIPTION ? text.toString() : text.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
}
