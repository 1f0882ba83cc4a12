package io.governor.core.jdbc;

import io.governor.api.event.ConnectionEvent;

import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The lazy half of a {@link GovernedConnection}: the binding to a physical connection made at first
 * use (see {@link Binding#bind}), closing, and the settings that are recorded in
 * {@link PendingSettings} (read-only and auto-commit in two fields) before binding and read back from there (a getter of a setting that was
 * not made binds).
 *
 * <p>Binding and closing are lock-free and safe against each other; otherwise, like the physical
 * connections it wraps, a connection is meant for one thread at a time.
 */
abstract class LazyConnection implements Connection {

    private static final AtomicReferenceFieldUpdater<LazyConnection, Binding> BINDING =
            AtomicReferenceFieldUpdater.newUpdater(LazyConnection.class, Binding.class, "binding");

    final JdbcRuntime runtime;
    private final JdbcEvents events;
    private ConnectionEvent event;
    private PendingSettings pending;
    // The two settings nearly every caller makes before first use, kept out of PendingSettings so the
    // common path allocates nothing for them (Boolean.TRUE/FALSE are shared). Null: not set.
    private Boolean pendingReadOnly;
    private Boolean pendingAutoCommit;
    private volatile Binding binding;

    LazyConnection(JdbcRuntime runtime, ConnectionEvent event) {
        this.runtime = runtime;
        this.events = runtime.events();
        this.event = event;
    }

    String database() {
        return runtime.database();
    }

    JdbcEvents events() {
        return events;
    }

    /** The binding, binding now if needed. */
    Binding bound() throws SQLException {
        Binding b = binding;
        if (b == null) {
            return bindNow();
        }
        if (b == Binding.CLOSED) {
            throw closed();
        }
        return b;
    }

    /** The physical connection if bound, null if not yet; throws when closed. */
    final Connection boundOrNull() throws SQLException {
        Binding b = binding;
        if (b == Binding.CLOSED) {
            throw closed();
        }
        return b == null ? null : b.physical;
    }

    final Connection physical() throws SQLException {
        return bound().physical;
    }

    private PendingSettings pending() {
        if (pending == null) {
            pending = new PendingSettings();
        }
        return pending;
    }

    private Binding bindNow() throws SQLException {
        Binding b;
        try {
            b = Binding.bind(runtime, pendingReadOnly, pendingAutoCommit, pending);
        } catch (SQLException | RuntimeException e) {
            if (event != null) {
                events.connectionFailed(event, e);
                event = null;
            }
            throw e;
        }
        if (!BINDING.compareAndSet(this, null, b)) {
            b.release();
            Binding winner = binding;
            if (winner == Binding.CLOSED) {
                throw closed();
            }
            return winner;
        }
        pending = null;
        pendingReadOnly = null;
        pendingAutoCommit = null;
        if (event != null) {
            event.bind(b.pool.name(), b.replica, b.pool.jdbcUrl());
            events.connectionEnded(event);
            event = null;
        }
        return b;
    }

    private SQLException closed() {
        return new SQLNonTransientConnectionException("governed connection of database '" + runtime.database()
                + "' is closed", "08003");
    }

    // ---- lifecycle

    @Override
    public void close() throws SQLException {
        Binding b = BINDING.getAndSet(this, Binding.CLOSED);
        if (b == null) {
            if (event != null) {
                events.connectionEnded(event);
                event = null;
            }
        } else if (b != Binding.CLOSED) {
            b.release();
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        Binding b = binding;
        return b == Binding.CLOSED || b != null && b.physical.isClosed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        Binding b = BINDING.getAndSet(this, Binding.CLOSED);
        if (b != null && b != Binding.CLOSED) {
            try {
                b.physical.abort(executor);
            } finally {
                try {
                    b.release();
                } catch (SQLException ignored) {
                    // an aborted connection may refuse to close; the pool discards it
                }
            }
        }
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (binding == Binding.CLOSED) {
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
        Binding b = binding;
        if (b == null) {
            pending().clientInfo(name, value);
        } else if (b == Binding.CLOSED) {
            throw new SQLClientInfoException("governed connection is closed", "08003", 0, Map.of());
        } else {
            b.physical.setClientInfo(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        Binding b = binding;
        if (b == null) {
            pending().clientInfo = new Properties();
            pending.clientInfo.putAll(properties);
        } else if (b == Binding.CLOSED) {
            throw new SQLClientInfoException("governed connection is closed", "08003", 0, Map.of());
        } else {
            b.physical.setClientInfo(properties);
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
        Binding b = binding;
        String state = b == null ? "unbound" : b == Binding.CLOSED ? "closed" : "bound to " + b.pool.name();
        return "GovernedConnection{database=" + runtime.database() + ", " + state + "}";
    }
}
