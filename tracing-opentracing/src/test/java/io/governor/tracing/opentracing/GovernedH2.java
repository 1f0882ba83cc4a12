package io.governor.tracing.opentracing;

import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.GovernanceListener;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import org.h2.tools.Server;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A governed database {@code orders} on a fresh memory store: H2 in-memory data sources
 * {@code primary} and {@code replica_0} (each with tables {@code whoami(name)} and {@code t(id)}),
 * a read/write splitting rule, and only the listeners given (no ServiceLoader ones).
 */
final class GovernedH2 implements AutoCloseable {

    final String store = "store-" + UUID.randomUUID();
    final Governance governance;
    private final List<String> urls = new ArrayList<>();
    private final Server server;

    GovernedH2(GovernanceListener... listeners) {
        this(false, listeners);
    }

    /**
     * @param tcp whether the data sources are reached through an H2 TCP server on a free loopback
     *            port ({@code jdbc:h2:tcp://localhost:<port>/mem:...}) rather than in-process
     */
    GovernedH2(boolean tcp, GovernanceListener... listeners) {
        try {
            server = tcp ? Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        DatabaseConfig orders = DatabaseConfig.empty()
                .withDataSource("primary", dataSource("primary"))
                .withDataSource("replica_0", dataSource("replica_0"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0")));
        GovernanceConfig config = GovernanceConfig.builder("order-service")
                .registryCenter(RepositoryConfig.builder("memory").serverLists(store).build())
                .bootstrap(BootstrapMode.LOCAL)
                .database("orders", orders)
                .build();
        Governance.Builder b = Governance.builder(config).serviceLoaderListeners(false);
        for (GovernanceListener l : listeners) {
            b.listener(l);
        }
        governance = b.build();
    }

    DataSource dataSource() {
        return governance.dataSource("orders");
    }

    private DataSourceConfig dataSource(String name) {
        String db = "mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        String url = server == null ? "jdbc:h2:" + db : "jdbc:h2:tcp://localhost:" + server.getPort() + "/" + db;
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            s.execute("create table whoami(name varchar(64))");
            s.execute("insert into whoami values ('" + name + "')");
            s.execute("create table t(id int, name varchar(4000))");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        urls.add(url);
        return DataSourceConfig.of(url, "sa", "").with("maximumPoolSize", "2").with("connectionTimeout", "2000");
    }

    /** Runs {@code sql} on a governed connection, read-only (a replica) if asked. */
    void execute(String sql, boolean readOnly) throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            c.setReadOnly(readOnly);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        governance.close();
        for (String url : urls) {
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("shutdown");
            }
        }
        if (server != null) {
            server.stop();
        }
    }

    /** The TCP server's port; only for {@code tcp} fixtures. */
    int port() {
        return server.getPort();
    }
}
