package io.governor.bench.hotpath;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.opentracing.util.GlobalTracer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The hot path, {@code getConnection()} + {@code SELECT 1} + close, on H2 in-memory databases:
 * through a raw HikariCP pool and through a governed DataSource over HikariCP pools built with the
 * same settings. Method names sort so that each case's two sides run next to each other. Each state
 * is created only in the forks of the benchmarks that use it, so a raw fork carries no governance
 * at all. Run by {@link HotPath}; not a test.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HotPathBenchmark {

    static final String DATABASE = "orders";
    /** The HikariCP settings both sides use (those of the core scenario tests' H2 pools). */
    static final int POOL_SIZE = 4;
    static final long CONNECTION_TIMEOUT_MS = 2000;

    // ---- case a: one data source, no rule

    @Benchmark
    public int a_noRule_governed(GovernedPlain s) throws SQLException {
        return selectOne(s.dataSource, false);
    }

    @Benchmark
    public int a_noRule_raw(RawPlain s) throws SQLException {
        return selectOne(s.pool, false);
    }

    // ---- case b: read/write splitting, read-only connections go to the replicas

    @Benchmark
    public int b_readOnly_governed(GovernedSplit s) throws SQLException {
        return selectOne(s.dataSource, true);
    }

    /** The application without Governor: it picks a replica pool itself, round robin. */
    @Benchmark
    public int b_readOnly_raw(RawSplit s) throws SQLException {
        return selectOne(s.next(), true);
    }

    // ---- case c: the OpenTracing listener found by ServiceLoader, no tracer registered
    // (its raw side is a_noRule_raw: the same pool, the same calls)

    @Benchmark
    public int c_tracingNoTracer_governed(GovernedTraced s) throws SQLException {
        return selectOne(s.dataSource, false);
    }

    static int selectOne(DataSource ds, boolean readOnly) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (readOnly) {
                c.setReadOnly(true);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // ---- states

    /** H2 in-memory databases that live until {@link #close()}, each with a {@code whoami} table. */
    static final class Databases implements AutoCloseable {
        private final String prefix = "hp" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        private final List<Connection> keepAlive = new ArrayList<>();

        String create(String name) throws SQLException {
            String db = prefix + name;
            Connection c = DriverManager.getConnection(url(db), "sa", "");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE whoami(name VARCHAR(64))");
                s.execute("INSERT INTO whoami VALUES ('" + db + "')");
            }
            keepAlive.add(c);
            return db;
        }

        static String url(String db) {
            return "jdbc:h2:mem:" + db;
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : keepAlive) {
                try (Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
                c.close();
            }
        }
    }

    static HikariDataSource rawPool(String db) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(Databases.url(db));
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(POOL_SIZE);
        ds.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        ds.setPoolName("raw-" + db);
        try (Connection c = ds.getConnection()) {
            // start the pool now, as the governed side's pool check does when it applies
            check(c.isValid(1), "raw pool of " + db + " hands out a valid connection");
        } catch (SQLException e) {
            ds.close();
            throw new IllegalStateException("raw pool of " + db + " cannot connect", e);
        }
        return ds;
    }

    /** The governed side's pool of {@code db}: the raw side's settings, built by Governor from {@code poolClass}. */
    static DataSourceConfig governedPool(String db, String poolClass) {
        DataSourceConfig hikari = DataSourceConfig.of(Databases.url(db), "sa", "")
                .with("maximumPoolSize", Integer.toString(POOL_SIZE))
                .with("connectionTimeout", Long.toString(CONNECTION_TIMEOUT_MS));
        return new DataSourceConfig(poolClass, hikari.properties());
    }

    static Governance governance(DatabaseConfig database, boolean serviceLoaderListeners) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        GovernanceConfig config = GovernanceConfig.builder("hotpath-" + id)
                .registryCenter(RepositoryConfig.builder("memory").serverLists("hotpath-" + id).build())
                .bootstrap(BootstrapMode.LOCAL)
                .database(DATABASE, database)
                .build();
        return Governance.builder(config).serviceLoaderListeners(serviceLoaderListeners).build();
    }

    static String whoAmI(DataSource ds, boolean readOnly) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(readOnly);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM whoami")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class RawPlain {
        Databases h2;
        HikariDataSource pool;

        @Setup
        public void setUp() throws SQLException {
            h2 = new Databases();
            pool = rawPool(h2.create("primary"));
        }

        @TearDown
        public void tearDown() throws SQLException {
            pool.close();
            h2.close();
        }
    }

    @State(Scope.Benchmark)
    public static class RawSplit {
        Databases h2;
        HikariDataSource primary;
        HikariDataSource[] replicas;
        private int next;

        @Setup
        public void setUp() throws SQLException {
            h2 = new Databases();
            primary = rawPool(h2.create("primary"));
            replicas = new HikariDataSource[] {rawPool(h2.create("replica0")), rawPool(h2.create("replica1"))};
        }

        HikariDataSource next() {
            return replicas[Math.floorMod(next++, replicas.length)];
        }

        @TearDown
        public void tearDown() throws SQLException {
            primary.close();
            for (HikariDataSource r : replicas) {
                r.close();
            }
            h2.close();
        }
    }

    /** A governed DataSource; subclasses say what it governs. */
    abstract static class GovernedState {
        Databases h2;
        Governance governance;
        DataSource dataSource;
        /** The class of the pools Governor builds; {@link SharedHikari} lets a raw side use the same pools. */
        String poolClass = DataSourceConfig.DEFAULT_POOL_CLASS;
        /** The JDBC URLs of the primary, then of the replicas (case b). */
        final List<String> urls = new ArrayList<>();

        /** Creates a database and its governed pool's configuration. */
        DataSourceConfig pool(String name) throws SQLException {
            String db = h2.create(name);
            urls.add(Databases.url(db));
            return governedPool(db, poolClass);
        }

        /** Creates the databases and starts the governed data source (JMH's set-up of each subclass). */
        public abstract void setUp() throws SQLException;

        void start(DatabaseConfig config, boolean serviceLoaderListeners) {
            governance = governance(config, serviceLoaderListeners);
            dataSource = governance.dataSource(DATABASE);
        }

        @TearDown
        public void tearDown() throws SQLException {
            governance.close();
            h2.close();
        }
    }

    @State(Scope.Benchmark)
    public static class GovernedPlain extends GovernedState {
        @Setup
        public void setUp() throws SQLException {
            h2 = new Databases();
            start(DatabaseConfig.empty().withDataSource("primary", pool("primary")), false);
            check(Databases.url(whoAmI(dataSource, false)).equals(urls.get(0)),
                    "case a: connections go to the only data source");
        }
    }

    @State(Scope.Benchmark)
    public static class GovernedSplit extends GovernedState {
        @Setup
        public void setUp() throws SQLException {
            h2 = new Databases();
            start(DatabaseConfig.empty()
                    .withDataSource("primary", pool("primary"))
                    .withDataSource("replica_0", pool("replica0"))
                    .withDataSource("replica_1", pool("replica1"))
                    .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1"))), false);
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                served.add(Databases.url(whoAmI(dataSource, true)));
            }
            check(served.equals(Set.of(urls.get(1), urls.get(2))),
                    "case b: read-only connections go to both replicas, got " + served);
        }
    }

    @State(Scope.Benchmark)
    public static class GovernedTraced extends GovernedState {
        @Setup
        public void setUp() throws SQLException {
            check(!GlobalTracer.isRegistered(), "case c: no tracer may be registered");
            boolean found = false;
            for (var l : ServiceLoader.load(io.governor.api.event.GovernanceListener.class)) {
                found |= l.getClass().getName().equals("io.governor.tracing.opentracing.OpenTracingListener");
            }
            check(found, "case c: the OpenTracing listener is found by ServiceLoader");
            h2 = new Databases();
            start(DatabaseConfig.empty().withDataSource("primary", pool("primary")), true);
            check(Databases.url(whoAmI(dataSource, false)).equals(urls.get(0)),
                    "case c: connections go to the only data source");
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("hotpath set-up check failed: " + what);
        }
    }
}
