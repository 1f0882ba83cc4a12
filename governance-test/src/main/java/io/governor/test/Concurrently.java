package io.governor.test;

import io.governor.api.repository.Repository;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one task on several threads at once, for tests and benchmarks of concurrent writers.
 * Stateless and thread safe; {@link #run} blocks until every thread finished or failed.
 */
public final class Concurrently {

    /** What each thread runs, given its index from 0. */
    @FunctionalInterface
    public interface Task {
        /** Runs the work of thread {@code thread}; may throw to fail the run. */
        void run(int thread) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code task} on {@code threads} new threads and waits for each up to {@code timeout};
     * the pool is shut down (interrupting what still runs) before it returns.
     *
     * @throws java.util.concurrent.ExecutionException the first failure of a thread, in thread order
     * @throws java.util.concurrent.TimeoutException a thread still ran after {@code timeout}
     */
    public static void run(int threads, Duration timeout, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    task.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Adds one to the decimal counter at {@code key} with get and compare-and-set, reading again
     * when another writer got in between. The key must exist.
     */
    public static void incrementByCas(Repository r, String key) {
        while (true) {
            String current = r.get(key).orElseThrow().value();
            if (r.compareAndSet(key, current, String.valueOf(Long.parseLong(current) + 1))) {
                return;
            }
        }
    }
}
