package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.governor.api.config.DataSourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One generation of one physical pool: the pool, the configuration it was built from, and the
 * number of connections it has lent through governed connections.
 *
 * <p>Draining works without a lock, on the pattern "announce, then look": a borrower first takes
 * (or counts) its connection, then checks whether the handle was retired, and backs out if so;
 * {@link #retire} first marks the handle, then looks at what is lent. Whichever runs second sees
 * the other, so a retired pool is closed exactly once, by the last returning borrower, by
 * {@link #retire} when nothing is lent, or by the drain timeout.
 *
 * <p>What is lent is counted in one of two ways. A HikariCP pool counts it itself: taking a
 * connection marks the pool's entry in use with a compare-and-set, and returning it marks the
 * entry free with a volatile write, so the pool's active-connection count serves as the announce
 * step, and the governed path adds no atomic operation of its own (two per connection, 1–2 %
 * of an in-memory {@code SELECT 1}; see docs/performance.md). Any other pool class is counted here,
 * with an atomic add on borrow and on return.
 *
 * <p>Thread-safe.
 */
final class PoolHandle {

    private static final Logger LOG = LoggerFactory.getLogger(PoolHandle.class);
    private static final VarHandle LENT;

    static {
        try {
            LENT = MethodHandles.lookup().findVarHandle(PoolHandle.class, "lent", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String logPrefix;
    private final String name;
    private final DataSourceConfig config;
    private final DataSource pool;
    /** The pool when it is HikariCP's, which counts its lent connections itself; else null. */
    private final HikariDataSource hikari;
    private final String jdbcUrl;
    /** Connections lent and not yet returned, for pools other than HikariCP's; changed by atomic add only. */
    private volatile int lent;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean retired;
    private volatile Future<?> forceClose;

    PoolHandle(String logPrefix, String name, DataSourceConfig config, DataSource pool) {
        this.logPrefix = logPrefix;
        this.name = name;
        this.config = config;
        this.pool = pool;
        this.hikari = pool instanceof HikariDataSource h ? h : null;
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

    /** Connections lent and not yet returned (a HikariCP pool's active connections). */
    int lent() {
        if (hikari == null) {
            return lent;
        }
        // null until the pool starts, which it does when it lends its first connection
        HikariPoolMXBean bean = hikari.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
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
        if (hikari != null) {
            return borrowCountedByPool();
        }
        LENT.getAndAdd(this, 1);
        if (retired) {
            release();
            return null;
        }
        try {
            return pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /** {@link #borrow} from a HikariCP pool: its own in-use mark is the announcement. */
    private Connection borrowCountedByPool() throws SQLException {
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
        if (retired) {
            // retired meanwhile: retire() may have seen nothing lent and closed the pool
            try {
                c.close();
            } finally {
                release();
            }
            return null;
        }
        return c;
    }

    /** A lent connection came back (it was closed by the application, which returned it to its pool). */
    void release() {
        if (hikari == null) {
            if ((int) LENT.getAndAdd(this, -1) == 1 && retired) {
                closePool("its last lent connection returned");
            }
        } else if (retired && lent() == 0) {
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
