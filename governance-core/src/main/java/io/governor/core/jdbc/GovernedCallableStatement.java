package io.governor.core.jdbc;

import java.sql.CallableStatement;

/**
 * A callable statement of a {@link GovernedConnection}: like {@link GovernedPreparedStatement};
 * OUT-parameter registration and getters and the named {@code set*} methods delegate to the
 * physical statement through the generated {@code CallableStatementDelegation} (only indexed
 * parameters are recorded for listeners).
 *
 * <p>Not thread-safe beyond what the physical statement guarantees.
 */
final class GovernedCallableStatement extends CallableStatementDelegation {

    GovernedCallableStatement(GovernedConnection connection, CallableStatement delegate, String sql) {
        super(connection, delegate, sql);
    }
}
