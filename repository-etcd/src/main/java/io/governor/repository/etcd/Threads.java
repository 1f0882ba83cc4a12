package io.governor.repository.etcd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The repository's own threads, all daemon and named {@code governor-<namespace>-<role>}:
 * {@code lease} (heartbeat and recovery), {@code watch} (watch bookkeeping and listener calls),
 * {@code notify} (connection-state listeners and lock-loss callbacks) and {@code jetcd-N} (jetcd's
 * request executor). jetcd's Vert.x event loop threads are jetcd's own and end with the client.
 */
final class Threads {

    private final ScheduledThreadPoolExecutor lease;
    private final ScheduledThreadPoolExecutor watch;
    private final ExecutorService notifier;
    private final ExecutorService jetcd;
    private final String base;

    Threads(String namespace) {
        base = "governor-" + (namespace.isEmpty() ? "root" : namespace) + "-";
        lease = scheduled(base + "lease");
        watch = scheduled(base + "watch");
        notifier = Executors.newSingleThreadExecutor(factory(base + "notify", false));
        jetcd = Executors.newCachedThreadPool(factory(base + "jetcd-", true));
    }

    ScheduledExecutorService lease() {
        return lease;
    }

    ScheduledExecutorService watch() {
        return watch;
    }

    ExecutorService notifier() {
        return notifier;
    }

    ExecutorService jetcd() {
        return jetcd;
    }

    /** Stops the heartbeat and the watch thread (running work finishes, nothing new starts). */
    void stopTimers() {
        lease.shutdownNow();
        watch.shutdownNow();
        await(lease);
        await(watch);
    }

    /** Stops every thread; queued notifications are delivered first. */
    void stopAll() {
        stopTimers();
        notifier.shutdown();
        jetcd.shutdownNow();
        await(notifier);
        await(jetcd);
    }

    /** Waits for an executor to finish, unless close() runs on one of the repository's own threads (a listener). */
    private void await(ExecutorService e) {
        if (e.isTerminated() || Thread.currentThread().getName().startsWith(base)) {
            return;
        }
        try {
            e.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledThreadPoolExecutor scheduled(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, factory(name, false));
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    private static ThreadFactory factory(String name, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }
}
