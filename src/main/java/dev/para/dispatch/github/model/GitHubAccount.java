package dev.para.dispatch.github.model;

/** A GitHub user or organization, as it appears on installations ({@code type}: User, Organization). */
public record GitHubAccount(long id, String login, String type) {}
