package dev.para.dispatch.api;

import java.util.List;

/** One page of a list: the items and an opaque cursor for the next page (null on the last). */
public record Page<T>(List<T> items, String next) {}
