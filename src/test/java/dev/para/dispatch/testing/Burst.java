package dev.para.dispatch.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Requests sent at once from threads of their own, as a burst of clients sends them. */
public final class Burst {

    private Burst() {}

    /** Runs {@code request(0 … n-1)} all at the same moment; their answers, in that order. */
    public static <T> List<T> of(int n, IntFunction<T> request) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<T>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                answers.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                start.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            return request.apply(index);
                        },
                        clients));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> answer : answers) {
                results.add(answer.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            clients.shutdownNow();
        }
    }
}
