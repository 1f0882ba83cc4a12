package io.governor.examples;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RevisionRecord;
import io.governor.core.RolloutPlan;
import io.governor.core.RolloutResult;
import io.governor.core.InstanceInfo;
import org.apache.curator.test.TestingServer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Governor's demo: an embedded ZooKeeper, a primary and two replica H2 databases, and three
 * application instances with governed DataSources, walked through a timeline of live changes.
 * Run it with {@code scripts/demo.sh}; it ends by itself and cleans up.
 */
public final class Demo {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String[] DATABASES = {"demo_primary", "demo_replica_a", "demo_replica_b"};
    /** The data source of {@code orders} each H2 database is, for the output. */
    private static final Map<String, String> DATA_SOURCE_OF = Map.of(
            "demo_primary", "primary", "demo_replica_a", "replica_0", "demo_replica_b", "replica_1");

    private final List<Governance> instances = new ArrayList<>();
    private final Map<Governance, DataSource> dataSources = new LinkedHashMap<>();
    private int step;

    public static void main(String[] args) throws Exception {
        new Demo().run();
    }

    private void run() throws Exception {
        List<Connection> keepAlive = createDatabases();
        try (TestingServer zookeeper = new TestingServer(true)) {
            say("Embedded ZooKeeper on " + zookeeper.getConnectString() + "; data sources of database 'orders':");
            dataSourceLines(initialOrders()).forEach(Demo::say);
            GovernanceConfig config = GovernanceConfig.builder("demo")
                    .registryCenter(RepositoryConfig.builder("zookeeper").serverLists(zookeeper.getConnectString())
                            .property("sessionTimeout", "10s").build())
                    .database("orders", initialOrders())
                    .build();
            for (int i = 1; i <= 3; i++) {
                Governance g = Governance.builder(config).build();
                instances.add(g);
                dataSources.put(g, g.dataSource("orders"));
            }
            GovernanceAdmin admin = instances.get(0).admin();
            showInstances(admin, "three instances started; the first seeded the center (bootstrap=center)");

            pushDataSourceChange(admin);
            splitReads();
            disableReplica(admin);
            failOver(admin);
            rollOut(admin);
            circuitBreak(admin);
            locks();

            step("Shut down");
            for (Governance g : instances) {
                g.close();
            }
            say("all instances closed; ZooKeeper stops next");
        } finally {
            for (Connection c : keepAlive) {
                c.close();
            }
        }
        say("demo finished");
    }

    private void pushDataSourceChange(GovernanceAdmin admin) throws SQLException {
        step("Push a data source change while a transaction is open");
        DataSource first = dataSources.get(instances.get(0));
        try (Connection tx = first.getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.executeUpdate("INSERT INTO orders(note) VALUES ('written before the change')");
            }
            say("instance 1 opened a transaction on the old primary pool");
            DataSourceConfig bigger = admin.database("orders").dataSources().get("primary").with("maximumPoolSize", "12");
            String revision = admin.replaceDataSource("orders", "primary", bigger);
            say("admin replaced data source 'primary' (maximumPoolSize 8 -> 12): revision " + revision);
            admin.awaitConvergence("orders", revision, CONVERGE);
            showInstances(admin, "every instance applied " + revision);
            tx.commit();
            say("the transaction opened before the change committed on the old pool, which then drains and closes");
        }
        say("orders rows on the primary: " + count(dataSources.get(instances.get(1)), false));
    }

    private void splitReads() throws SQLException {
        step("Read/write splitting: read-only connections go to replicas, round robin");
        for (int i = 0; i < instances.size(); i++) {
            DataSource ds = dataSources.get(instances.get(i));
            List<String> served = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                served.add(whoAmI(ds, true));
            }
            say("instance " + (i + 1) + " reads served by " + served + ", writes by " + whoAmI(ds, false));
        }
    }

    private void disableReplica(GovernanceAdmin admin) throws SQLException {
        step("Disable replica_0");
        admin.disableDataSource("orders", "replica_0");
        for (Governance g : instances) {
            awaitReadsAvoid(dataSources.get(g), label("demo_replica_a"));
        }
        say("reads on every instance now avoid replica_0: " + reads(dataSources.get(instances.get(2)), 4));
        admin.enableDataSource("orders", "replica_0");
        say("replica_0 enabled again");
    }

    private void failOver(GovernanceAdmin admin) throws SQLException {
        step("Fail over: make replica_1 the primary");
        String revision = admin.updateRules("orders", rules -> {
            List<RuleConfig> out = new ArrayList<>();
            for (RuleConfig r : rules) {
                out.add(r instanceof ReadwriteSplittingRule rw ? new ReadwriteSplittingRule("replica_1",
                        List.of("replica_0"), rw.loadBalancer(), Map.of()) : r);
            }
            return out;
        });
        admin.awaitConvergence("orders", revision, CONVERGE);
        showInstances(admin, "every instance applied the failover, revision " + revision);
        for (int i = 0; i < instances.size(); i++) {
            say("instance " + (i + 1) + " writes now go to " + whoAmI(dataSources.get(instances.get(i)), false));
        }
    }

    private void rollOut(GovernanceAdmin admin) {
        step("Roll a change out to one instance first; keep history; roll back");
        DatabaseConfig current = admin.database("orders");
        String before = admin.revision("orders");
        DatabaseConfig unreachable = current.withDataSource("replica_0",
                DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "").with("connectionTimeout", "250"));
        RolloutResult bad = admin.rollout("orders", unreachable,
                RolloutPlan.instances(instances.get(2).instanceId()).timeout(CONVERGE).message("move replica_0 (typo in host)"));
        say("rollout to instance 3 of a replica it cannot reach: " + bad.outcome() + "; " + bad.reason());
        say("instances 1 and 2 never saw it; every instance runs " + before + " again");
        DatabaseConfig bigger = current.withDataSource("replica_0",
                current.dataSources().get("replica_0").with("maximumPoolSize", "6"));
        RolloutResult good = admin.withMessage("replica_0 pool 6").rollout("orders", bigger,
                RolloutPlan.any(1).timeout(CONVERGE));
        admin.awaitConvergence("orders", good.revision(), CONVERGE);
        say("rollout to one instance of a bigger replica_0 pool: " + good.outcome() + ", revision " + good.revision());
        for (RevisionRecord r : admin.history("orders").subList(0, 3)) {
            say("history: " + r.revision() + " " + r.outcome() + " by " + r.user() + "@" + r.host()
                    + (r.message() == null ? "" : " (" + r.message() + ")"));
        }
        admin.diff("orders", before, good.revision()).toString().lines().forEach(l -> say("diff: " + l));
        String back = admin.rollback("orders", before);
        admin.awaitConvergence("orders", back, CONVERGE);
        say("rolled back to " + back + " (the same revision as before): every instance runs it");
    }

    private void circuitBreak(GovernanceAdmin admin) throws SQLException {
        step("Circuit-break instance 3");
        Governance third = instances.get(2);
        admin.circuitBreak(third.instanceId());
        awaitCircuit(dataSources.get(third), true);
        try (Connection c = dataSources.get(third).getConnection()) {
            say("unexpected: instance 3 handed out a connection " + c);
        } catch (SQLException e) {
            say("instance 3 refuses connections: SQLState " + e.getSQLState() + ", " + e.getMessage());
        }
        say("instance 1 still serves: " + whoAmI(dataSources.get(instances.get(0)), false));
        admin.restore(third.instanceId());
        awaitCircuit(dataSources.get(third), false);
        say("instance 3 restored; it serves again: " + whoAmI(dataSources.get(third), false));
    }

    private void locks() {
        step("Distributed lock across instances");
        Optional<LockLease> first = instances.get(0).lock("nightly-report").tryLock(Duration.ofSeconds(5));
        say("instance 1 took lock 'nightly-report': " + first.map(l -> "fencing token " + l.fencingToken()).orElse("no"));
        Optional<LockLease> contender = instances.get(1).lock("nightly-report").tryLock(Duration.ofMillis(300));
        say("instance 2 tried for 300 ms while it was held: " + (contender.isPresent() ? "got it (wrong!)" : "refused"));
        first.ifPresent(LockLease::close);
        say("instance 1 released it");
        try (LockLease second = instances.get(1).lock("nightly-report").tryLock(Duration.ofSeconds(5)).orElseThrow()) {
            say("instance 2 took it with fencing token " + second.fencingToken() + " (higher than the first)");
        }
    }

    // ------------------------------------------------------------------ helpers

    static DatabaseConfig initialOrders() {
        return DatabaseConfig.empty()
                .withDataSource("primary", h2("demo_primary").with("maximumPoolSize", "8"))
                .withDataSource("replica_0", h2("demo_replica_a"))
                .withDataSource("replica_1", h2("demo_replica_b"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1")));
    }

    private static DataSourceConfig h2(String db) {
        return DataSourceConfig.of("jdbc:h2:mem:" + db, "sa", "demo-password").with("maximumPoolSize", "4");
    }

    private static List<Connection> createDatabases() throws SQLException {
        List<Connection> keep = new ArrayList<>();
        for (String db : DATABASES) {
            Connection c = DriverManager.getConnection("jdbc:h2:mem:" + db, "sa", "demo-password");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE whoami(name VARCHAR(64))");
                s.execute("INSERT INTO whoami VALUES ('" + db + "')");
                s.execute("CREATE TABLE orders(id IDENTITY PRIMARY KEY, note VARCHAR(200))");
            }
            keep.add(c); // keeps the in-memory database alive for the whole demo
        }
        return keep;
    }

    /** The data source and H2 database a connection reached, e.g. {@code replica_0 (H2 demo_replica_a)}. */
    private static String whoAmI(DataSource ds, boolean readOnly) throws SQLException {
        return label(queryOne(ds, readOnly, "SELECT name FROM whoami", String.class));
    }

    /** {@code replica_0 (H2 demo_replica_a)}: the data source an H2 database of the demo is. */
    static String label(String h2Database) {
        return DATA_SOURCE_OF.getOrDefault(h2Database, "?") + " (H2 " + h2Database + ")";
    }

    /** One line per data source: its name, the H2 database it is and its JDBC URL. */
    static List<String> dataSourceLines(DatabaseConfig database) {
        List<String> out = new ArrayList<>();
        database.dataSources().forEach((name, ds) -> out.add(String.format("  %-9s = H2 database %-14s %s",
                name, ds.jdbcUrl().substring(ds.jdbcUrl().lastIndexOf(':') + 1), ds.jdbcUrl())));
        return out;
    }

    private static List<String> reads(DataSource ds, int n) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(whoAmI(ds, true));
        }
        return out;
    }

    private static long count(DataSource ds, boolean readOnly) throws SQLException {
        return queryOne(ds, readOnly, "SELECT COUNT(*) FROM orders", Long.class);
    }

    /** The one value {@code sql} answers on a connection of {@code ds}, read-only (a replica) if asked. */
    private static <T> T queryOne(DataSource ds, boolean readOnly, String sql, Class<T> type) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(readOnly);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getObject(1, type);
            }
        }
    }

    private static void awaitReadsAvoid(DataSource ds, String db) throws SQLException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (reads(ds, 4).contains(db)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reads still reach " + db + " after " + CONVERGE);
            }
        }
    }

    private static void awaitCircuit(DataSource ds, boolean broken) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (true) {
            boolean refused;
            try (Connection c = ds.getConnection()) {
                refused = false;
            } catch (SQLException e) {
                refused = "08004".equals(e.getSQLState());
            }
            if (refused == broken) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("circuit breaker did not turn " + (broken ? "on" : "off"));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    private void showInstances(GovernanceAdmin admin, String headline) {
        say(headline + ":");
        for (InstanceInfo i : admin.instances()) {
            say("    " + i.id() + "  state=" + i.state() + "  orders@" + i.appliedRevisions().get("orders"));
        }
    }

    private void step(String title) {
        System.out.println();
        System.out.println("== " + (++step) + ". " + title);
    }

    private static void say(String line) {
        System.out.println("   " + line);
    }
}
