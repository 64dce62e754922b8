package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One page of {@code GET /user/installations}. */
public record UserInstallations(@JsonProperty("total_count") int totalCount, List<GitHubInstallation> installations) {}
