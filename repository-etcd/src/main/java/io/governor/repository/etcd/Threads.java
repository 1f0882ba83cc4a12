package io.governor.repository.etcd;

import io.governor.api.repository.support.WatchThread;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    private final WatchThread watch;
    private final ExecutorService notifier;
    private final ExecutorService jetcd;
    private final String base;
    /** Every thread the executors made, joined by {@link #stopAll}: a terminated executor's last worker may still be exiting. */
    private final Queue<Thread> made = new ConcurrentLinkedQueue<>();

    Threads(String namespace) {
        base = "governor-" + (namespace.isEmpty() ? "root" : namespace) + "-";
        lease = scheduled(factory(base + "lease", false));
        watch = new WatchThread(namespace.isEmpty() ? "root" : namespace);
        notifier = Executors.newSingleThreadExecutor(factory(base + "notify", false));
        jetcd = Executors.newCachedThreadPool(factory(base + "jetcd-", true));
    }

    ScheduledExecutorService lease() {
        return lease;
    }

    WatchThread watch() {
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
        watch.close(Thread.currentThread().getName().startsWith(base) ? Duration.ZERO : Duration.ofSeconds(5));
        await(lease);
    }

    /** Stops every thread and waits until each has ended; queued notifications are delivered first. */
    void stopAll() {
        stopTimers();
        notifier.shutdown();
        jetcd.shutdownNow();
        await(notifier);
        await(jetcd);
        if (Thread.currentThread().getName().startsWith(base)) {
            return; // close() from a listener: its own thread cannot be joined
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : made) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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

    private static ScheduledThreadPoolExecutor scheduled(ThreadFactory factory) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, factory);
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    private ThreadFactory factory(String name, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            made.removeIf(old -> old.getState() == Thread.State.TERMINATED); // jetcd's pool retires idle threads
            made.add(t);
            return t;
        };
    }
}
