package dev.para.dispatch.work;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Leased work processed a batch at a time rather than an item at a time: one transaction of
 * set-based writes records every item's outcome (the webhook sweep marks hundreds of deliveries
 * processed in one statement). The claim leases the batch; {@link #processBatch} records each
 * item's outcome, its failures included, since only it knows which of them failed.
 * {@link LeasedWorkRunner#runBatches} runs it.
 *
 * @param <T> one claimed item
 */
public interface LeasedBatchWork<T> {

    /** The work's name in logs and metrics, such as {@code webhook-sweep}. */
    String kind();

    /** The most items one claim takes: a full batch means more may be waiting. */
    int batchSize();

    /** Claims up to {@link #batchSize()} due items that nobody holds, leasing them. */
    Uni<List<T>> claimBatch();

    /** Processes a claimed batch and records each item's outcome. */
    Uni<Void> processBatch(List<T> batch);
}
