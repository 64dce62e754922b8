package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The parts of an {@code issue_comment} delivery that we read, converted once per delivery. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IssueCommentEventPayload(Comment comment, Issue issue, Repository repository, GitHubAccount sender) {

    /** The comment: its id and text. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Comment(long id, String body) {}

    /** The issue or pull request commented on, and who opened it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Issue(int number, String title, String body, GitHubAccount user) {}

    /** The repository, as {@code owner/name}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(@JsonProperty("full_name") String fullName) {}
}
