package dev.para.dispatch.api;

import java.util.List;
import java.util.function.Function;

/** One page of a list: the items and an opaque cursor for the next page (null on the last). */
public record Page<T>(List<T> items, String next) {

    /** The page size for a request: its {@code limit}, at most the configured largest page, which is also the default. */
    public static int size(Integer limit, ApiConfig config) {
        return limit == null ? config.maxPageSize() : Math.min(limit, config.maxPageSize());
    }

    /**
     * The page out of {@code fetched}, read with a limit of {@code size + 1}: the one extra item only
     * tells that there is a next page, which starts after the last item shown ({@code cursorOf}).
     */
    public static <T> Page<T> of(List<T> fetched, int size, Function<T, String> cursorOf) {
        return fetched.size() > size
                ? new Page<>(fetched.subList(0, size), cursorOf.apply(fetched.get(size - 1)))
                : new Page<>(fetched, null);
    }

    public <R> Page<R> map(Function<T, R> view) {
        return new Page<>(items.stream().map(view).toList(), next);
    }
}
