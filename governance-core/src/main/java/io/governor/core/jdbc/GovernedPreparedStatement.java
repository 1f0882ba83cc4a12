package io.governor.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A prepared statement of a {@link GovernedConnection}. Like {@link GovernedStatement}, and when
 * listeners are registered its {@link Parameters} also record the values given to the indexed
 * {@code set*} methods (the generated {@code PreparedStatementDelegation} reports each one to
 * {@link #bound}), so that events carry the bind parameters (streams and readers as the objects
 * given). Without listeners nothing is recorded.
 *
 * <p>Not thread-safe beyond what the physical statement guarantees.
 */
class GovernedPreparedStatement extends PreparedStatementDelegation {

    final String sql;
    private final Parameters parameters;

    GovernedPreparedStatement(GovernedConnection connection, PreparedStatement delegate, String sql) {
        super(connection, delegate);
        this.sql = sql;
        this.parameters = events.enabled ? new Parameters() : Parameters.IGNORED;
    }

    @Override
    final void bound(int index, Object value) {
        parameters.set(index, value);
    }

    @Override
    String batchSql() {
        return sql;
    }

    @Override
    List<Object> parameters() {
        return parameters.snapshot();
    }

    @Override
    public void clearParameters() throws SQLException {
        prepared.clearParameters();
        parameters.clear();
    }

    @Override
    public boolean execute() throws SQLException {
        if (!events.enabled) {
            return prepared.execute();
        }
        return observe(sql, parameters(), () -> prepared.execute());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        if (!events.enabled) {
            return prepared.executeLargeUpdate();
        }
        return observe(sql, parameters(), () -> prepared.executeLargeUpdate());
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        if (!events.enabled) {
            return prepared.executeQuery();
        }
        return observe(sql, parameters(), () -> prepared.executeQuery());
    }

    @Override
    public int executeUpdate() throws SQLException {
        if (!events.enabled) {
            return prepared.executeUpdate();
        }
        return observe(sql, parameters(), () -> prepared.executeUpdate());
    }
}
