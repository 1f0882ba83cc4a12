package io.governor.core.jdbc;

import io.governor.api.event.ConnectionEvent;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;

/**
 * The {@link DataSource} of one logical database whose data sources, rules and state are governed
 * from the config and registry centers. Obtained from {@code Governance#dataSource(name)}.
 *
 * <p>{@link #getConnection()} returns at once, without touching a pool: the connection is bound to
 * a physical pool at its first use (the first statement, metadata call, commit...). A connection on
 * which {@code setReadOnly(true)} was called before that goes to a replica chosen by the
 * {@code READWRITE_SPLITTING} rule's load balancer (disabled replicas skipped; with none left, to
 * the primary); any other connection goes to the primary, or to the only data source when there is
 * no rule. Settings made before binding are replayed on the physical connection. A governed
 * connection, like most physical ones, is meant to be used by one thread at a time.
 *
 * <p>Configuration changes never disturb a connection already handed out: it keeps its physical
 * connection, and a transaction on it commits, even when its pool is being replaced.
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #getConnection()} reads one volatile snapshot and takes
 * no lock. <b>Blocking:</b> {@code getConnection()} does not block; binding blocks as long as the
 * physical pool's {@code getConnection} does. <b>Failure:</b> while the instance is circuit-broken,
 * {@code getConnection()} throws {@link SQLTransientConnectionException} with SQLState {@code 08004};
 * after {@link #close()} it throws {@link SQLNonTransientConnectionException}; routing failures
 * surface as {@link SQLException} at first use.
 */
public final class GovernedDataSource implements DataSource, AutoCloseable {

    private final JdbcRuntime runtime;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;

    GovernedDataSource(JdbcRuntime runtime) {
        this.runtime = runtime;
    }

    /** The logical database this data source serves. */
    public String database() {
        return runtime.database();
    }

    /** The revision of the configuration this data source runs, or null before the first one. */
    public String revision() {
        return runtime.revision();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Snapshot s = runtime.snapshot();
        JdbcEvents events = runtime.events(); // read once: the connection's events stay paired
        if (events.enabled) {
            return observedConnection(s, events);
        }
        if (s.circuitBroken || s.closed) {
            throw refused(s);
        }
        return new GovernedConnection(runtime, events, null);
    }

    /** {@link #getConnection()} when listeners take JDBC events: the connection is reported. */
    private Connection observedConnection(Snapshot s, JdbcEvents events) throws SQLException {
        ConnectionEvent event = new ConnectionEvent(s.database);
        events.connectionStarted(event);
        if (s.circuitBroken || s.closed) {
            SQLException e = refused(s);
            events.connectionFailed(event, e);
            throw e;
        }
        return new GovernedConnection(runtime, events, event);
    }

    private static SQLException refused(Snapshot s) {
        return s.closed
                ? new SQLNonTransientConnectionException("governed data source of database '" + s.database
                  + "' is closed", "08003")
                : new SQLTransientConnectionException("this instance is circuit-broken: database '" + s.database
                  + "' hands out no connections until an operator restores the instance", "08004");
    }

    /** Not supported: credentials come from the governed configuration of each data source. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("getConnection(user, password) is not supported by the governed"
                + " data source of database '" + runtime.database() + "': credentials are part of each data source's"
                + " configuration; use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** Kept for callers that read it back; Governor logs through SLF4J. */
    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Kept for callers that read it back; the pools' own connection timeouts apply. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Governor logs through SLF4J, not java.util.logging");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the governed data source of database '" + runtime.database() + "' is not a "
                + iface.getName() + "; it routes over several pools, so it does not unwrap to one");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /**
     * Closes the governed database: see {@link JdbcRuntime#close()}. Normally {@code Governance.close()}
     * does this. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "GovernedDataSource{database=" + runtime.database() + ", revision=" + runtime.revision() + "}";
    }
}
