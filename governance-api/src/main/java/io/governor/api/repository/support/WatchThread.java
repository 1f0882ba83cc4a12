package io.governor.api.repository.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A repository's one watch thread, a daemon named {@code governor-<namespace>-watch}: it runs the
 * reads a watch needs and the listener calls, one task at a time in submission order, so each
 * watch's listener sees the changes of a key in order and no two deliveries overlap.
 *
 * <p>The same kind of thread also serves as a repository's state thread ({@code governor-<namespace>-state}),
 * made with {@link #WatchThread(String, String)}.
 *
 * <p>A task that throws is logged at WARN and the thread goes on. After {@link #close} nothing new
 * runs: submissions are dropped (not rejected) and tasks still queued are skipped.
 *
 * <p>Thread-safe. Only {@link #call} and {@link #close} block (see each).
 */
public final class WatchThread implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchThread.class);

    private final String label;
    private final String role;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;
    private volatile boolean stopped;

    /** Starts the thread, which waits for tasks. {@code label} is the namespace. */
    public WatchThread(String label) {
        this(label, "watch");
    }

    /** Starts a thread named {@code governor-<label>-<role>}, which waits for tasks. */
    public WatchThread(String label, String role) {
        this.label = label;
        this.role = role;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "governor-" + label + "-" + role);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        executor.prestartCoreThread();
    }

    /** Whether the caller runs on this thread (a listener, or a task of this thread). */
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Queues {@code task}; dropped once closed. */
    public void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** Runs {@code task} after {@code delay}; dropped once closed. Returns its future, or null if dropped. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        if (stopped) {
            return null;
        }
        try {
            return executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /** Runs {@code task} every {@code period}, first after one period, until cancelled or closed; null if closed. */
    public ScheduledFuture<?> repeat(Runnable task, Duration period) {
        if (stopped) {
            return null;
        }
        try {
            long nanos = period.toNanos();
            return executor.scheduleWithFixedDelay(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /**
     * Runs {@code work} on this thread and returns its result: inline when called on this thread,
     * otherwise queued behind the tasks before it, waiting up to {@code timeout} (with null, as long
     * as the work takes).
     *
     * @throws TimeoutException     the work did not finish in time (it is cancelled)
     * @throws InterruptedException the caller was interrupted (the work is cancelled)
     * @throws RejectedExecutionException the thread is closed
     * @throws Exception            what the work threw
     */
    public <T> T call(Callable<T> work, Duration timeout) throws Exception {
        if (isCurrent()) {
            return work.call();
        }
        if (stopped) {
            throw new RejectedExecutionException(role + " thread of " + label + " is closed");
        }
        Future<T> f = executor.submit(work);
        try {
            return timeout == null ? f.get() : f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException | InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /**
     * Stops the thread: queued tasks are skipped, a running task is interrupted, and the caller waits
     * up to {@code wait} for it to end (not when called on this thread, e.g. by a listener: the thread
     * then ends after the running task; nor with a zero {@code wait}). Idempotent.
     */
    public void close(Duration wait) {
        stopped = true;
        if (isCurrent()) {
            executor.shutdown();
            return;
        }
        executor.shutdownNow();
        Thread t = thread;
        if (wait.isZero() || t == null) {
            return;
        }
        try {
            t.join(Math.max(1, wait.toMillis())); // the thread itself: a terminated executor's worker may still be exiting
            if (t.isAlive()) {
                LOG.warn("[{}] {} thread did not stop within {}", label, role, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes, waiting up to five seconds: see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            if (stopped) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("[{}] a {} task failed; the thread goes on", label, role, e);
            }
        };
    }
}
