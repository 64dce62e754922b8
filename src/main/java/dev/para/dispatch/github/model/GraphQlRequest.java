package dev.para.dispatch.github.model;

import java.util.Map;

/** A GraphQL request to GitHub: a query (or mutation) and its variables. */
public record GraphQlRequest(String query, Map<String, Object> variables) {}
