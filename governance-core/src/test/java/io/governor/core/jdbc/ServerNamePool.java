package io.governor.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A pool class configured by server and database names, with no URL setter; never connects. */
public final class ServerNamePool extends TestPoolBase {

    public void setServerName(String serverName) {
        // kept nowhere: the class only has to exist for the check
    }

    public void setDatabaseName(String databaseName) {
        // kept nowhere
    }

    @Override
    public Connection getConnection() throws SQLException {
        throw new SQLException("not a real pool");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("not a real pool");
    }
}
