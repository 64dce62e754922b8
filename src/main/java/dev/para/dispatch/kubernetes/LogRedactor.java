package dev.para.dispatch.kubernetes;

import java.util.regex.Pattern;

/**
 * Hides anything shaped like a credential in a line of a pod's log before it leaves the service:
 * GitHub tokens, Anthropic keys, JWTs, bearer and basic credentials, private key blocks.
 */
public final class LogRedactor {

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

    private LogRedactor() {}

    public static String redact(String line) {
        return SECRETS.matcher(line).replaceAll(REDACTED);
    }
}
