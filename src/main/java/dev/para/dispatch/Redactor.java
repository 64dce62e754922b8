package dev.para.dispatch;

import java.util.regex.Pattern;

/**
 * Hides anything shaped like a credential in text before it leaves the service (a pod's log line,
 * a prompt shown or posted, an exception's message logged or stored): GitHub tokens, Anthropic
 * keys, JWTs, bearer and basic credentials, private key blocks.
 */
public final class Redactor {

    public static final String REDACTED = "[REDACTED]";

    private static final Pattern SECRETS = Pattern.compile(String.join("|",
            "gh[pousr]_[A-Za-z0-9]{20,}",
            "github_pat_[A-Za-z0-9_]{20,}",
            "sk-ant-[A-Za-z0-9_-]{10,}",
            "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",
            "(?i)(?<=bearer )[A-Za-z0-9._~+/-]{8,}=*",
            "(?<=://)[^/@\\s:]+:[^/@\\s]+(?=@)",
            "-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*(-----END [A-Z ]*PRIVATE KEY-----)?",
            "(?i)(?<=(api[_-]?key|token|secret|password)[\"']?\\s{0,3}[=:]\\s{0,3}[\"']?)[A-Za-z0-9._~+/-]{12,}"));

    /** The longest description of a failure that is logged or stored. */
    private static final int MAX_DESCRIPTION = 500;

    private Redactor() {}

    public static String redact(String text) {
        return text == null ? null : SECRETS.matcher(text).replaceAll(REDACTED);
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
        for (Throwable t = failure; t != null && text.length() < MAX_DESCRIPTION; t = t.getCause() == t ? null : t.getCause()) {
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
