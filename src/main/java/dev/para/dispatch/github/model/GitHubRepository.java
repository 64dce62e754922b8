package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The few fields of a repository we use; {@code defaultBranch} only in the repository API's answer. */
public record GitHubRepository(
        long id,
        String name,
        @JsonProperty("full_name") String fullName,
        @JsonProperty("private") boolean isPrivate,
        @JsonProperty("default_branch") String defaultBranch) {}
