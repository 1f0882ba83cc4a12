package io.governor.core.memory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs a client's notifications (watch events, connection states, lost
 * leases) one at a time in submission order. A task that throws is logged and skipped.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Runnable STOP = () -> { };
    private static final long STOP_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final String label;
    private final Thread thread;
    private volatile boolean stopped;

    Dispatcher(String label) {
        this.label = label;
        this.thread = new Thread(this::run, "governor-" + label + "-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a task; ignored once stopped. */
    void submit(Runnable task) {
        if (!stopped) {
            queue.add(task);
        }
    }

    /** Whether the caller runs on this dispatcher's thread. */
    boolean isDispatchThread() {
        return Thread.currentThread() == thread;
    }

    /** Drops pending tasks and stops the thread, waiting for it unless called from it. */
    void stop() {
        stopped = true;
        queue.clear();
        queue.add(STOP);
        if (!isDispatchThread()) {
            try {
                thread.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("[{}] a listener failed; delivery goes on", label, e);
            }
        }
    }
}
