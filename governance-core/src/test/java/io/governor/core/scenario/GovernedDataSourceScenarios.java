package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.repository.Repository;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.InstanceInfo;
import io.governor.test.Await;
import io.governor.core.RawCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The governed DataSource's behaviour end to end — real HikariCP pools on H2 databases, instances
 * sharing a registry center — run once per registry backend by a subclass that says how to reach
 * the center.
 */
@Timeout(120)
public abstract class GovernedDataSourceScenarios extends ScenarioSupport {

    private static String writesServedBy(DataSource ds) {
        try {
            return whoAmI(ds, false);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void twoInstancesSwitchADataSourceWhileATransactionOnTheOldPoolCommits() throws Exception {
        Governance a = start();
        Governance b = start();
        String primaryV2 = h2.create("primary_v2");
        assertEquals(primary, writesServedBy(a.dataSource("orders")));

        try (Connection tx = a.dataSource("orders").getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.executeUpdate("INSERT INTO orders(note) VALUES ('opened before the change')");
            }
            String rev = a.admin().replaceDataSource("orders", "primary", H2Databases.dataSource(primaryV2));
            List<InstanceInfo> converged = a.admin().awaitConvergence("orders", rev, WAIT);
            assertEquals(2, converged.size());
            assertEquals(primaryV2, writesServedBy(a.dataSource("orders")));
            assertEquals(primaryV2, writesServedBy(b.dataSource("orders")));
            assertTrue(H2Databases.sessions(primary) > 1, "the old pool still holds the lent connection");
            tx.commit();
        }
        assertEquals(1, H2Databases.orders(primary), "the transaction committed on the old primary");
        Await.until(WAIT, "old primary pools closed on both instances", () -> sessionsOf(primary) == 1);
        assertEquals(Set.of(replica0, replica1), readsServedBy(b.dataSource("orders"), 6), "replicas untouched");
    }

    @Test
    void unreachableJdbcUrlIsNotSwappedInAndIsReported() throws Exception {
        List<ConfigurationEvent> rejected = new CopyOnWriteArrayList<>();
        List<GovernanceException> errors = new CopyOnWriteArrayList<>();
        Governance g = start(new GovernanceListener() {
            @Override
            public void configurationRejected(ConfigurationEvent event, GovernanceException error) {
                rejected.add(event);
                errors.add(error);
            }
        });
        String before = g.appliedRevision("orders");
        DataSourceConfig unreachable = DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-not-shown")
                .with("connectionTimeout", "250");
        String rev = g.admin().replaceDataSource("orders", "replica_0", unreachable);

        Await.until(WAIT, "rejection reported to the listener", () -> !rejected.isEmpty());
        assertEquals(rev, rejected.get(0).revision());
        assertTrue(errors.get(0).getMessage().contains("replica_0"), errors.get(0).getMessage());
        assertTrue(!errors.get(0).getMessage().contains("pw-not-shown"), errors.get(0).getMessage());
        Await.until(WAIT, "rejection in the instance status", () -> g.admin().instances().get(0).errors().containsKey("orders"));
        GovernanceException timeout = assertThrows(GovernanceException.class,
                () -> g.admin().awaitConvergence("orders", rev, Duration.ofMillis(500)));
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertTrue(timeout.getMessage().contains(g.instanceId() + " at " + before), timeout.getMessage());
        assertEquals(before, g.appliedRevision("orders"));
        assertEquals(Set.of(replica0, replica1), readsServedBy(g.dataSource("orders"), 6), "the old replica_0 pool keeps serving");
    }

    @Test
    void readsSpreadOverReplicasSkipDisabledOnesAndAPrimaryChangeMovesWrites() {
        Governance a = start();
        Governance b = start();
        DataSource ds = b.dataSource("orders");
        assertEquals(Set.of(replica0, replica1), readsServedBy(ds, 6));
        assertEquals(primary, writesServedBy(ds));

        a.admin().disableDataSource("orders", "replica_0");
        Await.until(WAIT, "disabled replica gets no reads", () -> readsServedBy(ds, 6).equals(Set.of(replica1)));
        a.admin().disableDataSource("orders", "replica_1");
        Await.until(WAIT, "all replicas disabled: reads go to the primary", () -> readsServedBy(ds, 6).equals(Set.of(primary)));
        a.admin().enableDataSource("orders", "replica_0");
        a.admin().enableDataSource("orders", "replica_1");
        Await.until(WAIT, "replicas serve again", () -> readsServedBy(ds, 6).equals(Set.of(replica0, replica1)));

        String rev = a.admin().updateRules("orders", rules -> List.of(
                new ReadwriteSplittingRule("replica_1", List.of("replica_0"), null, Map.of())));
        a.admin().awaitConvergence("orders", rev, WAIT);
        assertEquals(replica1, writesServedBy(ds));
        assertEquals(Set.of(replica0), readsServedBy(ds, 4));
    }

    @Test
    void circuitBreakerRefusesConnectionsWithSqlState08004UntilRestored() {
        Governance a = start();
        Governance b = start();
        a.admin().circuitBreak(b.instanceId());
        DataSource ds = b.dataSource("orders");
        SQLTransientConnectionException refused = Await.value(WAIT, "circuit breaker on", () -> {
            try (Connection c = ds.getConnection()) {
                return java.util.Optional.empty();
            } catch (SQLTransientConnectionException e) {
                return java.util.Optional.of(e);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("08004", refused.getSQLState());
        assertTrue(refused.getMessage().contains("circuit"), refused.getMessage());
        assertEquals(primary, writesServedBy(a.dataSource("orders")), "other instances are not affected");
        a.admin().restore(b.instanceId());
        Await.until(WAIT, "circuit breaker off", () -> {
            try (Connection c = ds.getConnection()) {
                return c.isValid(1);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @Test
    void malformedYamlWrittenIntoTheRulesNodeIsRejectedAndTheRunningRulesStay() throws Exception {
        List<GovernanceException> errors = new CopyOnWriteArrayList<>();
        Governance g = start(new GovernanceListener() {
            @Override
            public void configurationRejected(ConfigurationEvent event, GovernanceException error) {
                errors.add(error);
            }
        });
        String before = g.appliedRevision("orders");
        try (Repository raw = RawCenter.create(center().toBuilder().namespace(namespace).build())) {
            raw.put(RawCenter.rules("orders"), "- !READWRITE_SPLITTING\n  primary: replica_1\n  replicas: [replica_0\n");
        }
        Await.until(WAIT, "rejection", () -> !errors.isEmpty());
        assertEquals(ErrorCode.INVALID_CONFIG, errors.get(0).code());
        assertTrue(errors.get(0).getMessage().contains(RawCenter.rules("orders")), errors.get(0).getMessage());
        assertEquals(before, g.appliedRevision("orders"));
        assertEquals(primary, writesServedBy(g.dataSource("orders")), "the running rules stay");
        assertEquals(Set.of(replica0, replica1), readsServedBy(g.dataSource("orders"), 6));
    }

    @Test
    void centerBootstrapKeepsTheCenterConfigurationAndLocalBootstrapOverwritesIt() throws Exception {
        String otherPrimary = h2.create("other_primary");
        DatabaseConfig other = DatabaseConfig.empty().withDataSource("primary", H2Databases.dataSource(otherPrimary));
        try (GovernanceAdmin admin = GovernanceAdmin.connect(config(BootstrapMode.CENTER, orders()))) {
            admin.replaceDatabase("orders", orders());
        }
        Governance centerWins = start(BootstrapMode.CENTER, other);
        assertEquals(primary, writesServedBy(centerWins.dataSource("orders")), "center mode: the center's primary");
        assertEquals(orders(), centerWins.admin().database("orders"));

        Governance localWins = start(BootstrapMode.LOCAL, other);
        assertEquals(otherPrimary, writesServedBy(localWins.dataSource("orders")), "local mode: the local primary");
        assertEquals(other, localWins.admin().database("orders"));
        String rev = localWins.appliedRevision("orders");
        localWins.admin().awaitConvergence("orders", rev, WAIT);
        assertEquals(otherPrimary, writesServedBy(centerWins.dataSource("orders")), "the running instance follows the overwrite");
    }

    private static int sessionsOf(String db) {
        try {
            return H2Databases.sessions(db);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
