package io.governor.core.scenario;

import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.GovernanceListener;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.test.CenterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the end-to-end scenarios share: three H2 databases (a primary and two replicas, each
 * answering {@code SELECT name FROM whoami} with its own name), a fresh namespace per test, the
 * {@code orders} database over them, instances started on the center under test, and everything
 * closed afterwards. Not a test itself.
 */
public abstract class ScenarioSupport {

    protected static final Duration WAIT = Duration.ofSeconds(20);

    private RepositoryConfig center;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    protected H2Databases h2;
    protected String namespace;
    protected String primary;
    protected String replica0;
    protected String replica1;

    /**
     * The registry (and config) center for this run, as the test class's {@link CenterExtension}
     * says; its namespace is set by the scenario.
     */
    protected final RepositoryConfig center() {
        return center;
    }

    /**
     * A center on a fresh {@code memory} store named {@code prefix-<uuid>}: register it as an instance
     * {@code @RegisterExtension} field to get a store per test.
     */
    public static CenterExtension memoryCenter(String prefix) {
        String store = prefix + "-" + UUID.randomUUID();
        return () -> RepositoryConfig.builder("memory").serverLists(store).build();
    }

    @BeforeEach
    final void takeCenter(RepositoryConfig center) {
        this.center = center;
    }

    /** The props' {@code pool-check-timeout} (default 3 s). */
    protected Duration poolCheckTimeout() {
        return Duration.ofSeconds(3);
    }

    @BeforeEach
    final void setUpDatabases() throws SQLException {
        h2 = new H2Databases();
        namespace = "sc-" + UUID.randomUUID().toString().substring(0, 8);
        primary = h2.create("primary");
        replica0 = h2.create("replica0");
        replica1 = h2.create("replica1");
    }

    @AfterEach
    final void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        h2.close();
    }

    /** Closed after the test, in reverse order. */
    protected <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    protected DatabaseConfig orders() {
        return DatabaseConfig.empty()
                .withDataSource("primary", H2Databases.dataSource(primary))
                .withDataSource("replica_0", H2Databases.dataSource(replica0))
                .withDataSource("replica_1", H2Databases.dataSource(replica1))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1")));
    }

    protected GovernanceConfig config(BootstrapMode mode, DatabaseConfig local) {
        return GovernanceConfig.builder(namespace).registryCenter(center()).bootstrap(mode).database("orders", local)
                .props(new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "20s",
                        GovernanceProps.POOL_CHECK_TIMEOUT, poolCheckTimeout().toSeconds() + "s")))
                .build();
    }

    protected Governance start(GovernanceListener... listeners) {
        return start(BootstrapMode.CENTER, orders(), listeners);
    }

    protected Governance start(DatabaseConfig local) {
        return start(BootstrapMode.CENTER, local);
    }

    protected Governance start(BootstrapMode mode, DatabaseConfig local, GovernanceListener... listeners) {
        Governance.Builder b = Governance.builder(config(mode, local));
        for (GovernanceListener l : listeners) {
            b.listener(l);
        }
        return track(b.build());
    }

    protected static String whoAmI(DataSource ds, boolean readOnly) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(readOnly);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM whoami")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    protected static Set<String> readsServedBy(DataSource ds, int n) {
        Set<String> out = new HashSet<>();
        try {
            for (int i = 0; i < n; i++) {
                out.add(whoAmI(ds, true));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
