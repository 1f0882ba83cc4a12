package io.governor.core.scenario;

import io.governor.api.config.DataSourceConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Named H2 in-memory databases for scenario tests. Each has a {@code whoami} table holding its own
 * name, so a query shows which physical database served it. Closing drops them.
 */
public final class H2Databases implements AutoCloseable {

    private final String prefix = "sc" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    private final List<Connection> keepAlive = new ArrayList<>();

    /** Creates a database and returns its name (as {@code whoami} reports it). */
    public String create(String name) throws SQLException {
        String db = prefix + name;
        Connection c = DriverManager.getConnection(url(db), "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE whoami(name VARCHAR(64))");
            s.execute("INSERT INTO whoami VALUES ('" + db + "')");
            s.execute("CREATE TABLE orders(id IDENTITY PRIMARY KEY, note VARCHAR(200))");
        }
        keepAlive.add(c);
        return db;
    }

    public static String url(String db) {
        return "jdbc:h2:mem:" + db;
    }

    /** A HikariCP data source on the database, small and quick to time out. */
    public static DataSourceConfig dataSource(String db) {
        return DataSourceConfig.of(url(db), "sa", "").with("maximumPoolSize", "4").with("connectionTimeout", "2000");
    }

    /** Sessions open on a database, counting the fixture's own keep-alive connection. */
    public static int sessions(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            return rs.getInt(1) - 1; // minus this probe
        }
    }

    /** Rows in the {@code orders} table of a database, read directly. */
    public static long orders(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : keepAlive) {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already gone
            }
            c.close();
        }
    }
}
