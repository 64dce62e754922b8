package dev.para.dispatch.api;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/** One page of a list: the items and an opaque cursor for the next page (null on the last). */
public record Page<T>(List<T> items, String next) {

    /**
     * Reads one page of at most {@code limit} items (the configured largest page when absent or
     * larger). {@code fetch} is asked for one item more than that: the extra one only tells that
     * there is a next page, which starts after the last item shown ({@code cursorOf}).
     */
    public static <T> Uni<Page<T>> read(
            Integer limit, ApiConfig config, IntFunction<Uni<List<T>>> fetch, Function<T, String> cursorOf) {
        int size = limit == null ? config.maxPageSize() : Math.min(limit, config.maxPageSize());
        return fetch.apply(size + 1)
                .map(fetched -> fetched.size() > size
                        ? new Page<>(fetched.subList(0, size), cursorOf.apply(fetched.get(size - 1)))
                        : new Page<>(fetched, null));
    }

    public <R> Page<R> map(Function<T, R> view) {
        return new Page<>(items.stream().map(view).toList(), next);
    }
}
