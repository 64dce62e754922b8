package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The few fields of a pull request we keep. */
public record PullRequest(
        long id,
        int number,
        String state,
        boolean draft,
        @JsonProperty("html_url") String htmlUrl,
        @JsonProperty("node_id") String nodeId,
        Ref head,
        Ref base) {

    /** One side of a pull request. */
    public record Ref(String ref, String sha) {}
}
