package dev.para.dispatch.github.model;

/** A change to a pull request: here only its state ({@code closed}). */
public record PullRequestUpdate(String state) {}
