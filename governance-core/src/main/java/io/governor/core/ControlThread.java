package io.governor.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An instance's control thread, {@code governor-<namespace>-control}: runs the work that repository
 * callbacks recorded as due (the instance's own control, the resync after a reconnect) and the
 * coalesced status writes, one task at a time: tasks due at once in submission order, a
 * {@link #schedule scheduled} one when its delay has passed.
 *
 * <p>Thread-safe. {@link #execute} and {@link #schedule} never block; a task that throws is logged
 * and the thread goes on; after {@link #close()} new tasks and tasks still waiting for their delay
 * are dropped (logged at DEBUG). The thread is a daemon and starts on the first task.
 */
final class ControlThread implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlThread.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final String namespace;
    private final ScheduledThreadPoolExecutor executor;
    private volatile boolean closed;

    ControlThread(String namespace) {
        this.namespace = namespace;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "governor-" + namespace + "-control");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    /** Runs {@code task} on the control thread after {@code delayMillis} (0: as soon as it is free). */
    void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.error("[{}] control task failed", namespace, e);
                    }
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] closed, control work dropped", namespace);
        }
    }

    /**
     * Drops the queued tasks, interrupts the running one and waits up to 10 s for the thread to end.
     * Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("[{}] control thread did not end within {} s", namespace, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
