package dev.para.dispatch.session;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * What a client asks for. Exactly one of {@code prompt} and {@code promptFile} (a path in the
 * repository, read at the source branch). Unset optional fields take the configured defaults.
 * {@code issue}: an issue or pull request of the repository that gets the session's tracking comment.
 */
public record CreateSessionRequest(
        @NotBlank @Pattern(regexp = OWNER_REPO, message = "must be owner/repo")
        String repository,

        String prompt,

        @Size(max = 1024) @Pattern(regexp = "[^\\x00-\\x1f]+", message = "must be a path in the repository")
        String promptFile,

        @Min(1) Integer instances,

        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,39}", message = "must be 1-40 letters, digits, '.', '_' or '-'")
        String name,

        @Size(max = 255) @Pattern(regexp = BRANCH, message = "must be a branch name")
        String sourceBranch,

        @Size(max = 255) @Pattern(regexp = BRANCH, message = "must be a branch name")
        String prBase,

        @Size(max = 512) String agentImage,
        @Min(1) Integer timeoutMinutes,
        @Min(1) @Max(10_000) Integer maxTurns,

        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:-]{0,99}", message = "must be a model name such as sonnet")
        String model,

        @DecimalMin(value = "0.01", message = "must be at least 0.01 (USD)")
        @DecimalMax(value = "10000", message = "must be at most 10000 (USD)")
        @Digits(integer = 5, fraction = 4, message = "must have at most 4 decimals")
        BigDecimal budgetUsd,

        @Min(value = 1, message = "must be an issue or pull request number")
        Integer issue) {

    static final String OWNER_REPO = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}";
    /** A safe subset of git's ref-name rules: no '..', no leading '-' or '/', no trailing '/' or '.lock'. */
    static final String BRANCH = "(?!-)(?!/)(?!.*\\.\\.)(?!.*//)(?!.*\\.lock$)(?!.*/$)[A-Za-z0-9._/-]+";
}
