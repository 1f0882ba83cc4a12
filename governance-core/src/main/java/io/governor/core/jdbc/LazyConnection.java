package io.governor.core.jdbc;

import io.governor.api.event.ConnectionEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The lazy half of a {@link GovernedConnection}: the binding to a physical connection made at first
 * use (see {@link #bindNow}), closing, and the settings that are recorded in
 * {@link PendingSettings} (read-only and auto-commit in two fields) before binding and read back
 * from there (a getter of a setting that was not made binds).
 *
 * <p>The binding lives in this object, not in one of its own (one allocation less per connection):
 * a state that goes {@code UNBOUND → BOUND → CLOSED} or {@code UNBOUND → CLOSED}, changed only by
 * compare-and-set or get-and-set, and the physical connection with the pool that lent it, written
 * once by the thread whose compare-and-set bound the connection and published by a release store of
 * {@link #physical}. Whoever reads {@code BOUND} reads the physical connection with an acquire load
 * (waiting out the few instructions between the binder's compare-and-set and its store).
 *
 * <p>Binding and closing are lock-free and safe against each other; otherwise, like the physical
 * connections it wraps, a connection is meant for one thread at a time.
 */
abstract class LazyConnection extends ConnectionDelegation {

    private static final int UNBOUND = 0;
    private static final int BOUND = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;
    private static final VarHandle PHYSICAL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(LazyConnection.class, "state", int.class);
            PHYSICAL = l.findVarHandle(LazyConnection.class, "physical", Connection.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final JdbcRuntime runtime;
    private final JdbcEvents events;
    private ConnectionEvent event;
    private PendingSettings pending;
    // The two settings nearly every caller makes before first use, kept out of PendingSettings so the
    // common path allocates nothing for them (Boolean.TRUE/FALSE are shared). Null: not set.
    private Boolean pendingReadOnly;
    private Boolean pendingAutoCommit;
    private volatile int state;
    /** Set once, by the binder, after {@code state} became BOUND; see the class comment. */
    private Connection physical;
    /** The pool generation that lent {@link #physical}; written before it. */
    private PoolHandle pool;
    private boolean replica;

    /** A connection whose binding is reported through {@code event}, or nobody's when it is null. */
    LazyConnection(JdbcRuntime runtime, JdbcEvents events, ConnectionEvent event) {
        this.runtime = runtime;
        this.events = events;
        this.event = event;
    }

    String database() {
        return runtime.database();
    }

    JdbcEvents events() {
        return events;
    }

    /** The pool this connection is bound to; only once bound. */
    final PoolHandle pool() {
        return pool;
    }

    /** Whether this connection is bound to a replica; only once bound. */
    final boolean replica() {
        return replica;
    }

    /** The physical connection, binding now if needed. */
    final Connection bound() throws SQLException {
        int st = state;
        if (st == BOUND) {
            return published();
        }
        if (st == CLOSED) {
            throw closed();
        }
        return bindNow();
    }

    /** The physical connection if bound, null if not yet; throws when closed. */
    final Connection boundOrNull() throws SQLException {
        int st = state;
        if (st == CLOSED) {
            throw closed();
        }
        return st == BOUND ? published() : null;
    }

    /** The physical connection, binding now if needed: where the generated delegation forwards to. */
    @Override
    final Connection physical() throws SQLException {
        return bound();
    }

    /** The physical connection of a connection whose state was seen BOUND (or CLOSED after BOUND). */
    private Connection published() {
        Connection c = (Connection) PHYSICAL.getAcquire(this);
        while (c == null) {
            Thread.onSpinWait(); // the binder won its compare-and-set and is about to store it
            c = (Connection) PHYSICAL.getAcquire(this);
        }
        return c;
    }

    private PendingSettings pending() {
        if (pending == null) {
            pending = new PendingSettings();
        }
        return pending;
    }

    /**
     * Routes and borrows a physical connection from the current snapshot: a read-only connection to
     * a replica when one is enabled, anything else to the primary. A pool retired between reading the
     * snapshot and borrowing is skipped by reading the snapshot again. The settings made before binding
     * are replayed on the physical connection (read-only first, auto-commit last, after everything that
     * may not change inside a transaction); if that fails, it is returned and the failure thrown. A null
     * setting was not made: the pool's default stays. A connection closed meanwhile gives its physical
     * connection back and fails.
     */
    private Connection bindNow() throws SQLException {
        PoolHandle p;
        Connection c;
        boolean toReplica;
        try {
            boolean readOnly = Boolean.TRUE.equals(pendingReadOnly);
            for (;;) {
                Snapshot s = runtime.snapshot();
                if (s.closed) {
                    throw new SQLNonTransientConnectionException("governed data source of database '" + s.database
                            + "' is closed", "08003");
                }
                p = readOnly ? s.router.replica() : null;
                toReplica = p != null;
                if (p == null) {
                    p = s.router.primary();
                }
                c = p.borrow();
                if (c != null) {
                    break;
                }
            }
            if (pendingReadOnly != null || pendingAutoCommit != null || pending != null) {
                replay(c, p);
            }
        } catch (SQLException | RuntimeException e) {
            if (event != null) {
                events.connectionFailed(event, e);
                event = null;
            }
            throw e;
        }
        if (!STATE.compareAndSet(this, UNBOUND, BOUND)) {
            release(c, p);
            if (state == CLOSED) {
                throw closed();
            }
            return published(); // bound meanwhile by another thread
        }
        pool = p;
        replica = toReplica;
        PHYSICAL.setRelease(this, c);
        pending = null;
        pendingReadOnly = null;
        pendingAutoCommit = null;
        if (event != null) {
            event.bind(p.name(), toReplica, p.jdbcUrl());
            events.connectionEnded(event);
            event = null;
        }
        return c;
    }

    private void replay(Connection c, PoolHandle p) throws SQLException {
        try {
            if (pendingReadOnly != null) {
                c.setReadOnly(pendingReadOnly);
            }
            if (pending != null) {
                pending.replay(c);
            }
            if (pendingAutoCommit != null) {
                c.setAutoCommit(pendingAutoCommit);
            }
        } catch (SQLException | RuntimeException e) {
            release(c, p);
            throw e;
        }
    }

    /** Returns a physical connection to its pool and counts it back in. */
    private static void release(Connection c, PoolHandle p) throws SQLException {
        try {
            c.close();
        } finally {
            p.release();
        }
    }

    private SQLException closed() {
        return new SQLNonTransientConnectionException("governed connection of database '" + runtime.database()
                + "' is closed", "08003");
    }

    // ---- lifecycle

    @Override
    public void close() throws SQLException {
        int was = (int) STATE.getAndSet(this, CLOSED);
        if (was == UNBOUND) {
            if (event != null) {
                events.connectionEnded(event);
                event = null;
            }
        } else if (was == BOUND) {
            release(published(), pool);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        int st = state;
        return st == CLOSED || st == BOUND && published().isClosed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        int was = (int) STATE.getAndSet(this, CLOSED);
        if (was == BOUND) {
            Connection c = published();
            try {
                c.abort(executor);
            } finally {
                try {
                    release(c, pool);
                } catch (SQLException ignored) {
                    // an aborted connection may refuse to close; the pool discards it
                }
            }
        }
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (state == CLOSED) {
            return false;
        }
        return physical().isValid(timeout);
    }

    // ---- settings: recorded before binding, delegated after

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pendingAutoCommit = autoCommit;
        } else {
            c.setAutoCommit(autoCommit);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pendingAutoCommit != null) {
            return pendingAutoCommit;
        }
        return physical().getAutoCommit();
    }

    /** Before binding this also decides the route: {@code true} sends the connection to a replica. */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pendingReadOnly = readOnly;
        } else {
            c.setReadOnly(readOnly);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pendingReadOnly != null) {
            return pendingReadOnly;
        }
        return physical().isReadOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().transactionIsolation = level;
        } else {
            c.setTransactionIsolation(level);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.transactionIsolation != null) {
            return pending.transactionIsolation;
        }
        return physical().getTransactionIsolation();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().holdability = holdability;
        } else {
            c.setHoldability(holdability);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.holdability != null) {
            return pending.holdability;
        }
        return physical().getHoldability();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().catalogSet = true;
            pending.catalog = catalog;
        } else {
            c.setCatalog(catalog);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.catalogSet) {
            return pending.catalog;
        }
        return physical().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().schemaSet = true;
            pending.schema = schema;
        } else {
            c.setSchema(schema);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.schemaSet) {
            return pending.schema;
        }
        return physical().getSchema();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().networkExecutor = executor;
            pending.networkTimeout = milliseconds;
        } else {
            c.setNetworkTimeout(executor, milliseconds);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.networkTimeout != null) {
            return pending.networkTimeout;
        }
        return physical().getNetworkTimeout();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        Connection c = boundOrNull();
        if (c == null) {
            pending().typeMap = map;
        } else {
            c.setTypeMap(map);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        Connection c = boundOrNull();
        if (c == null && pending != null && pending.typeMap != null) {
            return pending.typeMap;
        }
        return physical().getTypeMap();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        int st = state;
        if (st == UNBOUND) {
            pending().clientInfo(name, value);
        } else if (st == CLOSED) {
            throw new SQLClientInfoException("governed connection is closed", "08003", 0, Map.of());
        } else {
            published().setClientInfo(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        int st = state;
        if (st == UNBOUND) {
            pending().clientInfo = new Properties();
            pending.clientInfo.putAll(properties);
        } else if (st == CLOSED) {
            throw new SQLClientInfoException("governed connection is closed", "08003", 0, Map.of());
        } else {
            published().setClientInfo(properties);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return physical().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return physical().getClientInfo();
    }

    @Override
    public String toString() {
        int st = state;
        PoolHandle p = st == UNBOUND ? null : pool; // read after the state: null when closed unbound
        String what = st == UNBOUND ? "unbound" : st == CLOSED ? "closed" : "bound to " + (p == null ? "?" : p.name());
        return "GovernedConnection{database=" + runtime.database() + ", " + what + "}";
    }
}
