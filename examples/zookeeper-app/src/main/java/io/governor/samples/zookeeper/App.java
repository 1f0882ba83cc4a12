package io.governor.samples.zookeeper;

import io.governor.api.config.GovernanceConfig;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import org.apache.curator.test.TestingServer;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A minimal application governed through ZooKeeper: reads {@code governor.yaml}, starts governance,
 * writes through the primary, reads through the replica, has an operator disable the replica, and
 * stops. Exits with status 1 when a connection is not routed as expected.
 *
 * <p>With {@code -Dsample.embeddedZooKeeper=true} it starts a ZooKeeper in this JVM and uses it
 * instead of the configured servers.
 */
public final class App {

    public static void main(String[] args) throws Exception {
        GovernanceConfig config = Governance.readConfig(Path.of(args.length > 0 ? args[0] : "governor.yaml"));
        TestingServer embedded = null;
        if (Boolean.getBoolean("sample.embeddedZooKeeper")) {
            embedded = new TestingServer(true);
            config = config.toBuilder().registryCenter(config.registryCenter().toBuilder()
                    .serverLists(embedded.getConnectString()).build()).build();
            System.out.println("embedded ZooKeeper on " + embedded.getConnectString());
        }
        try (Governance governance = Governance.builder(config).build()) {
            run(governance);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void run(Governance governance) throws SQLException, InterruptedException {
        DataSource orders = governance.dataSource("orders");
        String write = database(orders, false);
        String read = database(orders, true);
        System.out.println("a write went to H2 database " + write + ", a read-only connection to " + read);
        check(write.equals("ORDERS_PRIMARY") && read.equals("ORDERS_REPLICA"), "reads go to the replica, writes to the primary");

        GovernanceAdmin admin = governance.admin();
        admin.disableDataSource("orders", "replica_0");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!database(orders, true).equals("ORDERS_PRIMARY") && System.nanoTime() < deadline) {
            Thread.sleep(50); // the instance applies the change from its watch, a moment later
        }
        System.out.println("an operator disabled replica_0: reads now go to " + database(orders, true));
        check(database(orders, true).equals("ORDERS_PRIMARY"), "with the replica disabled, reads go to the primary");
        admin.enableDataSource("orders", "replica_0");
        System.out.println("sample finished");
    }

    /** The H2 database a connection of {@code orders} reaches. */
    private static String database(DataSource orders, boolean readOnly) throws SQLException {
        try (Connection c = orders.getConnection()) {
            c.setReadOnly(readOnly); // before the first statement: a replica
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void check(boolean ok, String expectation) {
        if (!ok) {
            System.err.println("sample failed: expected " + expectation);
            System.exit(1);
        }
    }
}
