package dev.para.dispatch.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the same embedded PostgreSQL the tests use, for the benchmarks in {@code bench/}: writes
 * its port to the file named by the first argument and runs until killed.
 */
public final class BenchPostgres {

    public static void main(String[] args) throws Exception {
        // Durability stays on (fsync, synchronous_commit, full_page_writes): only the sizing a
        // write-heavy production server gets — memory, and WAL room so checkpoints are not constant.
        // A server in its steady state recycles WAL segments after checkpoints; this fresh one would
        // create (and, by default, zero-fill) a new 16 MB segment every half second of intake, a stall
        // a long-running server does not have: wal_init_zero off (the fsyncs stay).
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "1GB")
                .setServerConfig("wal_buffers", "64MB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("wal_init_zero", "off")
                .start()) {
            Files.writeString(Path.of(args[0]), String.valueOf(pg.getPort()));
            Thread.currentThread().join();
        }
    }
}
