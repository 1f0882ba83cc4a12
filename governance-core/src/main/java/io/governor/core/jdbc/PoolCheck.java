package io.governor.core.jdbc;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks that new pools hand out a valid connection ({@link Connection#isValid}) within a deadline,
 * all in parallel, each on its own short-lived daemon thread {@code governor-<namespace>-<db>-pool-check}.
 *
 * <p>A check that misses the deadline is abandoned: its thread closes the pool itself once the
 * pool's own {@code getConnection} gives up (bounded by the pool's connection timeout), so an
 * abandoned pool is never left open and the caller never waits longer than the deadline.
 *
 * <p>Blocking: {@link #run} blocks the calling thread up to the deadline. Thread-safe.
 */
final class PoolCheck {

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final PoolHandle pool;
    private final int validSeconds;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CountDownLatch finished;
    private volatile Throwable failure;

    private PoolCheck(PoolHandle pool, int validSeconds, CountDownLatch finished) {
        this.pool = pool;
        this.validSeconds = validSeconds;
        this.finished = finished;
    }

    /**
     * Checks every pool; returns normally when all passed.
     *
     * @throws GovernanceException {@code CONNECT_FAILED} naming the first data source that failed and
     *         why, {@code TIMEOUT} when one did not answer within {@code timeout}, {@code INTERRUPTED}
     *         when the calling thread was interrupted. Before it throws, every pool in {@code pools}
     *         is closed: at once, or, when its check was abandoned, by its check thread as soon as the
     *         pool gives up (closing a pool while it is still starting could leak it).
     */
    static void run(List<PoolHandle> pools, Duration timeout, String threadName, String database) {
        if (pools.isEmpty()) {
            return;
        }
        CountDownLatch finished = new CountDownLatch(pools.size());
        List<PoolCheck> checks = new ArrayList<>();
        for (PoolHandle p : pools) {
            PoolCheck c = new PoolCheck(p, (int) Math.max(1, timeout.toSeconds()), finished);
            checks.add(c);
            Thread t = new Thread(c::check, threadName);
            t.setDaemon(true);
            t.start();
        }
        try {
            finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            abandonOrClose(checks);
            throw GovernanceException.interrupted("connection check of the new pools of database '" + database + "'", e);
        }
        GovernanceException error = null;
        for (PoolCheck c : checks) {
            if (c.state.compareAndSet(RUNNING, ABANDONED)) {
                error = error != null ? error : new GovernanceException(ErrorCode.TIMEOUT, "data source '"
                        + c.pool.name() + "' of database '" + database + "' (" + c.pool.jdbcUrl()
                        + ") did not hand out a connection within pool-check-timeout " + timeout.toMillis() + " ms");
            } else if (c.failure != null && error == null) {
                error = new GovernanceException(ErrorCode.CONNECT_FAILED, "data source '" + c.pool.name()
                        + "' of database '" + database + "' (" + c.pool.jdbcUrl() + ") failed its connection check: "
                        + describe(c.failure, c.pool), null);
            }
        }
        if (error != null) {
            abandonOrClose(checks);
            throw error;
        }
    }

    private void check() {
        try {
            try (Connection c = pool.pool().getConnection()) {
                if (!c.isValid(validSeconds)) {
                    failure = new IllegalStateException("the connection it handed out is not valid");
                }
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            if (!state.compareAndSet(RUNNING, DONE)) {
                pool.closeNow("its connection check was abandoned");
            }
            finished.countDown();
        }
    }

    /** Closes the pools whose check finished; the others are closed by their check thread. */
    private static void abandonOrClose(List<PoolCheck> checks) {
        for (PoolCheck c : checks) {
            if (!c.state.compareAndSet(RUNNING, ABANDONED) && c.state.get() == DONE) {
                c.pool.closeNow("the new configuration was not applied");
            }
        }
    }

    /** The cause chain's messages, credentials scrubbed; the exception itself is not kept (it may echo secrets). */
    private static String describe(Throwable failure, PoolHandle pool) {
        StringBuilder sb = new StringBuilder();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(Secrets.scrub(t.getMessage(), pool.config()));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
