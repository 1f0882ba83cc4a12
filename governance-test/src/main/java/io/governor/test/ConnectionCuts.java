package io.governor.test;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault schedule for tests: every 300 to 500 ms one randomly chosen group of proxies (one client's
 * connections) is cut for 100 ms; every other time the cut follows 100 ms in which that client's
 * requests reach the server and the answers are dropped ({@link TcpProxy#loseAnswers()}), so writes
 * apply and their answers are lost. Runs on its own daemon thread until {@link #close()}, which
 * restores every proxy.
 *
 * <p>Thread-safe.
 */
public final class ConnectionCuts implements AutoCloseable {

    private final List<List<TcpProxy>> groups;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread thread;

    private ConnectionCuts(List<List<TcpProxy>> groups) {
        this.groups = List.copyOf(groups);
        this.thread = new Thread(this::run, "governor-test-connection-cuts");
        thread.setDaemon(true);
    }

    /** Starts cutting; each group is the proxies of one client. */
    public static ConnectionCuts start(List<List<TcpProxy>> groups) {
        ConnectionCuts c = new ConnectionCuts(groups);
        c.thread.start();
        return c;
    }

    /** How many cuts were made so far. */
    public int cuts() {
        return cuts.get();
    }

    private void run() {
        while (!stop.get()) {
            pause(300 + ThreadLocalRandom.current().nextInt(200));
            if (stop.get()) {
                return;
            }
            List<TcpProxy> victim = groups.get(ThreadLocalRandom.current().nextInt(groups.size()));
            if (cuts.get() % 2 == 0) {
                victim.forEach(TcpProxy::loseAnswers);
                pause(100);
            }
            victim.forEach(TcpProxy::cut);
            pause(100);
            victim.forEach(TcpProxy::restore);
            cuts.incrementAndGet();
        }
    }

    /** The schedule's pause between faults; not a wait for an effect. */
    private static void pause(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Stops the schedule, waits for its thread and restores every proxy. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(10));
        groups.forEach(g -> g.forEach(TcpProxy::restore));
    }
}
