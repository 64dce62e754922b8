package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A comment on an issue or pull request; the body of a new one, or GitHub's answer. */
public record IssueComment(
        Long id, String body, @JsonProperty("html_url") String htmlUrl) {

    public static IssueComment of(String body) {
        return new IssueComment(null, body, null);
    }
}
