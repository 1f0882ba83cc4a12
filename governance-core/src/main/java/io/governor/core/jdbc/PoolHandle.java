package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One generation of one physical pool: the pool, the configuration it was built from, and the
 * number of connections it has lent through governed connections.
 *
 * <p>Draining works without a lock, on the pattern "announce, then look": a borrower takes its
 * connection, counts it, then checks whether the handle was retired, and gives it back if so;
 * {@link #retire} first marks the handle, then looks at the count. Whichever runs second sees the
 * other, so a retired pool is closed exactly once, by the last returning borrower, by
 * {@link #retire} when nothing is lent, or by the drain timeout. The count is this handle's own,
 * for every pool class (an atomic add on borrow and on return; a pool's own figures, such as
 * HikariCP's active connections, are for monitoring and are not used).
 *
 * <p>Thread-safe.
 */
final class PoolHandle {

    private static final Logger LOG = LoggerFactory.getLogger(PoolHandle.class);

    private final String logPrefix;
    private final String name;
    private final DataSourceConfig config;
    private final DataSource pool;
    private final String jdbcUrl;
    /** Connections taken from the pool by {@link #borrow} and not yet {@link #release}d. */
    private final AtomicInteger lent = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean retired;
    private volatile Future<?> forceClose;

    PoolHandle(String logPrefix, String name, DataSourceConfig config, DataSource pool) {
        this.logPrefix = logPrefix;
        this.name = name;
        this.config = config;
        this.pool = pool;
        this.jdbcUrl = Secrets.maskUrl(config.jdbcUrl());
    }

    String name() {
        return name;
    }

    DataSourceConfig config() {
        return config;
    }

    DataSource pool() {
        return pool;
    }

    /** The JDBC URL with any credential in it masked; may be null. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** Connections lent and not yet returned. */
    int lent() {
        return lent.get();
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Borrows a physical connection, counting it as lent.
     *
     * @return the connection, or null when this pool was retired meanwhile (read the snapshot again)
     */
    Connection borrow() throws SQLException {
        if (retired) {
            return null;
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            if (retired) {
                return null; // retired and closed since the check above: the next snapshot has its successor
            }
            throw e;
        }
        lent.incrementAndGet();
        if (retired) {
            // retired meanwhile: retire() may have seen nothing lent and closed the pool, aborting
            // the connection while the pool was still handing it out
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // that connection is of no use and its pool is closing; the caller takes the next pool
                LOG.debug("{} giving back a connection of retired pool '{}' failed: {}", logPrefix, name, e.toString());
            } finally {
                release();
            }
            return null;
        }
        return c;
    }

    /** A lent connection came back (it was closed by the application, which returned it to its pool). */
    void release() {
        if (lent.decrementAndGet() == 0 && retired) {
            closePool("its last lent connection returned");
        }
    }

    /**
     * Takes this pool out of service: it closes now if nothing is lent, otherwise when the last lent
     * connection returns or when {@code forceClose} runs, whichever comes first.
     *
     * @param scheduleForceClose schedules the forced close and returns its handle; called only when
     *                           connections are lent
     */
    void retire(java.util.function.Function<Runnable, Future<?>> scheduleForceClose) {
        retired = true;
        int out = lent();
        if (out == 0) {
            closePool("nothing was lent");
            return;
        }
        LOG.info("{} draining pool of data source '{}': {} connection(s) still lent", logPrefix, name, out);
        forceClose = scheduleForceClose.apply(() -> {
            int still = lent();
            if (still > 0 && !closed.get()) {
                LOG.warn("{} drain timeout: closing pool of data source '{}' with {} connection(s) still lent",
                        logPrefix, name, still);
            }
            closePool("the drain timeout passed");
        });
        if (closed.get()) {
            cancelForceClose();
        }
    }

    /** Closes the pool at once, lent connections or not. */
    void closeNow(String why) {
        retired = true;
        closePool(why);
    }

    private void closePool(String why) {
        if (closed.compareAndSet(false, true)) {
            cancelForceClose();
            PoolFactory.close(pool);
            LOG.info("{} closed pool of data source '{}' ({})", logPrefix, name, why);
        }
    }

    private void cancelForceClose() {
        Future<?> f = forceClose;
        if (f != null) {
            f.cancel(false);
        }
    }
}
