package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The few fields of a repository we keep. */
public record GitHubRepository(
        long id,
        String name,
        @JsonProperty("full_name") String fullName,
        @JsonProperty("private") boolean isPrivate) {}
