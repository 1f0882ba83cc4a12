package io.governor.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/**
 * A governed connection's physical connection and the pool generation that lent it.
 *
 * <p>Immutable and thread-safe (the physical connection is used as JDBC allows).
 */
final class Binding {

    /** The marker of a closed governed connection. */
    static final Binding CLOSED = new Binding(null, null, false);

    final Connection physical;
    final PoolHandle pool;
    final boolean replica;

    private Binding(Connection physical, PoolHandle pool, boolean replica) {
        this.physical = physical;
        this.pool = pool;
        this.replica = replica;
    }

    /**
     * Routes and borrows a physical connection from the current snapshot: a read-only connection to
     * a replica when one is enabled, anything else to the primary. A pool retired between reading the
     * snapshot and borrowing is skipped by reading the snapshot again. The settings made before binding
     * are replayed on the physical connection (read-only first, auto-commit last, after everything that
     * may not change inside a transaction); if that fails, it is returned and the failure thrown. A null
     * setting was not made: the pool's default stays.
     */
    static Binding bind(JdbcRuntime runtime, Boolean readOnlySetting, Boolean autoCommitSetting,
                        PendingSettings settings) throws SQLException {
        boolean readOnly = Boolean.TRUE.equals(readOnlySetting);
        for (;;) {
            Snapshot s = runtime.snapshot();
            if (s.closed) {
                throw new SQLNonTransientConnectionException("governed data source of database '" + s.database
                        + "' is closed", "08003");
            }
            PoolHandle pool = readOnly ? s.router.replica() : null;
            boolean replica = pool != null;
            if (pool == null) {
                pool = s.router.primary();
            }
            Connection c = pool.borrow();
            if (c == null) {
                continue;
            }
            Binding b = new Binding(c, pool, replica);
            if (readOnlySetting != null || autoCommitSetting != null || settings != null) {
                try {
                    if (readOnlySetting != null) {
                        c.setReadOnly(readOnlySetting);
                    }
                    if (settings != null) {
                        settings.replay(c);
                    }
                    if (autoCommitSetting != null) {
                        c.setAutoCommit(autoCommitSetting);
                    }
                } catch (SQLException | RuntimeException e) {
                    b.release();
                    throw e;
                }
            }
            return b;
        }
    }

    /** Returns the physical connection to its pool and counts it back in. */
    void release() throws SQLException {
        try {
            physical.close();
        } finally {
            pool.release();
        }
    }
}
