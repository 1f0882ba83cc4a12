package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A HikariCP pool behind a class that is not HikariCP's, so that Governor treats it as an unknown
 * pool class and counts its lent connections itself. Thread-safe as HikariCP.
 */
public final class OpaquePool extends TestPoolBase implements AutoCloseable {

    private final HikariDataSource hikari = new HikariDataSource();

    public void setJdbcUrl(String url) {
        hikari.setJdbcUrl(url);
    }

    public void setUsername(String user) {
        hikari.setUsername(user);
    }

    public void setPassword(String password) {
        hikari.setPassword(password);
    }

    public void setMaximumPoolSize(int size) {
        hikari.setMaximumPoolSize(size);
    }

    public void setConnectionTimeout(long millis) {
        hikari.setConnectionTimeout(millis);
    }

    public boolean isClosed() {
        return hikari.isClosed();
    }

    @Override
    public void close() {
        hikari.close();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return hikari.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("not used");
    }
}
