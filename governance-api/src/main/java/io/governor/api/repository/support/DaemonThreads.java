package io.governor.api.repository.support;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a repository owns (besides its {@link WatchThread}), all daemons named
 * {@code governor-<label>-<role>}, and their orderly end: {@link #stop} ends one executor,
 * {@link #join} waits until every thread made here has ended, so that no thread outlives
 * {@code close()}.
 *
 * <p>A repository may be closed by one of its own listeners, that is on one of its own threads
 * (any thread named {@code governor-<label>-}, the watch thread included): then nothing waits,
 * since a thread cannot wait for itself, and the threads end after the running task.
 *
 * <p>Thread-safe. {@link #stop} and {@link #join} block up to the wait given at construction;
 * nothing here throws.
 */
public final class DaemonThreads {

    private final String base;
    private final Duration wait;
    /** Every thread made, joined by {@link #join}: a terminated executor's last worker may still be exiting. */
    private final Queue<Thread> made = new ConcurrentLinkedQueue<>();

    /**
     * @param label the repository's label in thread names, e.g. its namespace
     * @param wait  how long {@link #stop} waits for one executor, and {@link #join} for all threads
     */
    public DaemonThreads(String label, Duration wait) {
        this.base = "governor-" + label + "-";
        this.wait = wait;
    }

    /** Makes daemon threads named {@code governor-<label>-<role>}, or {@code ...-<role>N} when {@code numbered}. */
    public ThreadFactory factory(String role, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, base + role + (numbered ? n.incrementAndGet() : ""));
            t.setDaemon(true);
            made.removeIf(old -> old.getState() == Thread.State.TERMINATED); // pools retire idle threads
            made.add(t);
            return t;
        };
    }

    /**
     * One thread for timed and queued tasks: a cancelled task leaves the queue, and delayed tasks do
     * not run after shutdown.
     */
    public ScheduledThreadPoolExecutor single(String role) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, factory(role, false));
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    /** Whether the caller runs on one of the repository's own threads (see the class comment). */
    public boolean isOwn() {
        return Thread.currentThread().getName().startsWith(base);
    }

    /**
     * Shuts {@code executor} down - letting queued tasks run first when {@code drain}, else
     * interrupting the running one and dropping the queue - and waits for it to finish, unless
     * called on an own thread.
     */
    public void stop(ExecutorService executor, boolean drain) {
        if (drain) {
            executor.shutdown();
        } else {
            executor.shutdownNow();
        }
        if (executor.isTerminated() || isOwn()) {
            return;
        }
        try {
            executor.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every thread made here has ended (call it after stopping their executors), unless
     * called on an own thread.
     */
    public void join() {
        if (isOwn()) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread t : made) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
