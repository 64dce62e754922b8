package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** GitHub's GraphQL answer: data, or errors (with a 200 status, so they must be read). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GraphQlResponse(JsonNode data, List<Error> errors) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Error(String type, String message) {}
}
