package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleConfig;
import io.governor.api.event.GovernanceListener;
import io.governor.core.fixture.H2Memory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * H2 in-memory databases, one per data source, each with a table {@code whoami} holding its data
 * source name and an empty table {@code t(id int)}; plus the runtimes built on them. Closes all:
 * after each test when registered as an instance {@code @RegisterExtension} field. Not thread-safe.
 */
final class H2Fixture implements AutoCloseable, AfterEachCallback {

    private static final AtomicInteger SEQ = new AtomicInteger();

    final String namespace = "ns" + SEQ.incrementAndGet();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final List<JdbcRuntime> runtimes = new ArrayList<>();

    /** Creates (or returns) the database of data source {@code name}. */
    String url(String name) {
        return urls.computeIfAbsent(name, n -> H2Memory.create("jdbc:h2:", n, "id int"));
    }

    /** A small HikariCP data source on the database of {@code name}. */
    DataSourceConfig hikari(String name) {
        return DataSourceConfig.of(url(name), "sa", "")
                .with("maximumPoolSize", "4")
                .with("connectionTimeout", "2000");
    }

    DatabaseConfig database(List<RuleConfig> rules, String... names) {
        DatabaseConfig db = DatabaseConfig.empty().withRules(rules);
        for (String n : names) {
            db = db.withDataSource(n, hikari(n));
        }
        return db;
    }

    JdbcRuntime runtime(List<GovernanceListener> listeners) {
        JdbcRuntime rt = JdbcRuntime.create(namespace, "orders", listeners);
        runtimes.add(rt);
        return rt;
    }

    JdbcRuntime runtime() {
        return runtime(List.of());
    }

    /** A runtime that has applied, as revision {@code r1}, a database of data source {@code primary} alone. */
    JdbcRuntime primaryAlone(GovernanceProps props) {
        JdbcRuntime rt = runtime();
        rt.apply(database(List.of(), "primary"), props, "r1");
        return rt;
    }

    static GovernanceProps props(String drainTimeout, String poolCheckTimeout) {
        return new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, drainTimeout,
                GovernanceProps.POOL_CHECK_TIMEOUT, poolCheckTimeout));
    }

    /** The data source a governed connection runs on, asked through SQL (binds the connection). */
    static String whoami(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select name from whoami")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Rows in table t of data source {@code name}, read directly, not through any pool. */
    int rows(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(name), "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        close();
    }

    @Override
    public void close() throws SQLException {
        runtimes.forEach(JdbcRuntime::close);
        for (String url : urls.values()) {
            H2Memory.shutdown(url);
        }
    }
}
