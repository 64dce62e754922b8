package dev.para.dispatch.github.model;

/** Body of {@code POST /repos/{owner}/{repo}/pulls}. */
public record NewPullRequest(String title, String head, String base, String body, boolean draft) {}
