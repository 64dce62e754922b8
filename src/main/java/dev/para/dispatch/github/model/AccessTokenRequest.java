package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Body of {@code POST /app/installations/{id}/access_tokens}: the narrowing of the token. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AccessTokenRequest(List<String> repositories, Map<String, String> permissions) {}
