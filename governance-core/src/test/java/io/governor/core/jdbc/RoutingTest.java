package io.governor.core.jdbc;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    private JdbcRuntime splitting(ReadwriteSplittingRule rule) {
        JdbcRuntime rt = h2.runtime();
        rt.apply(h2.database(List.of(rule), "primary", "replica_0", "replica_1"), GovernanceProps.empty(), "r1");
        return rt;
    }

    private static String read(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            return H2Fixture.whoami(c);
        }
    }

    private static String write(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return H2Fixture.whoami(c);
        }
    }

    @Test
    void readOnlyConnectionsAlternateOverReplicasWithRoundRobin() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1"));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(read(rt.dataSource()));
        }
        for (int i = 1; i < seen.size(); i++) {
            assertNotEquals(seen.get(i - 1), seen.get(i), "round robin did not alternate: " + seen);
            assertTrue(seen.get(i).startsWith("replica_"), seen.toString());
        }
        assertEquals("primary", write(rt.dataSource()));
    }

    @Test
    void weightedBalancerSpreadsReadsInProportionToWeight() throws Exception {
        JdbcRuntime rt = splitting(new ReadwriteSplittingRule("primary", List.of("replica_0", "replica_1"),
                LoadBalancerType.WEIGHT, Map.of("replica_0", 1, "replica_1", 3)));
        Map<String, Integer> counts = new TreeMap<>();
        int n = 400;
        for (int i = 0; i < n; i++) {
            counts.merge(read(rt.dataSource()), 1, Integer::sum);
        }
        double heavy = counts.getOrDefault("replica_1", 0) / (double) n;
        assertTrue(heavy > 0.62 && heavy < 0.88, "replica_1 should take about 3/4 of reads: " + counts);
        assertFalse(counts.containsKey("primary"), counts.toString());
    }

    @Test
    void randomBalancerUsesEveryEnabledReplica() throws Exception {
        JdbcRuntime rt = splitting(new ReadwriteSplittingRule("primary", List.of("replica_0", "replica_1"),
                LoadBalancerType.RANDOM, Map.of()));
        Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 200 && seen.size() < 2; i++) {
            seen.add(read(rt.dataSource()));
        }
        assertEquals(Set.of("replica_0", "replica_1"), seen);
    }

    @Test
    void disabledReplicaGetsNoNewConnectionsAndAllDisabledSendsReadsToPrimary() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1"));
        rt.setDisabled(Set.of("replica_0"));
        for (int i = 0; i < 10; i++) {
            assertEquals("replica_1", read(rt.dataSource()));
        }
        rt.setDisabled(Set.of("replica_0", "replica_1"));
        for (int i = 0; i < 4; i++) {
            assertEquals("primary", read(rt.dataSource()));
        }
        rt.setDisabled(Set.of());
        Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(read(rt.dataSource()));
        }
        assertEquals(Set.of("replica_0", "replica_1"), seen);
    }

    @Test
    void primaryChangeMovesWritesWithoutRebuildingPools() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1"));
        DataSource oldPrimaryPool = rt.pool("primary");
        assertEquals("primary", write(rt.dataSource()));
        DatabaseConfig failover = rt.snapshot().config
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1").withPrimary("replica_0")));
        rt.apply(failover, GovernanceProps.empty(), "r2");
        assertEquals("replica_0", write(rt.dataSource()));
        assertSame(oldPrimaryPool, rt.pool("primary"));
    }

    @Test
    void readOnlyAfterFirstUseStaysOnTheBoundPool() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0"));
        try (Connection c = rt.dataSource().getConnection()) {
            assertEquals("primary", H2Fixture.whoami(c));
            c.setReadOnly(true);
            assertEquals("primary", H2Fixture.whoami(c));
            assertTrue(c.isReadOnly());
        }
    }

    @Test
    void withoutRuleTheOnlyDataSourceTakesEverythingAndSeveralAreAnErrorAtFirstUse() throws Exception {
        JdbcRuntime single = h2.runtime();
        single.apply(h2.database(List.of(), "only"), GovernanceProps.empty(), "r1");
        assertEquals("only", read(single.dataSource()));
        assertEquals("only", write(single.dataSource()));

        JdbcRuntime several = h2.runtime();
        several.apply(h2.database(List.of(), "a", "b"), GovernanceProps.empty(), "r1");
        try (Connection c = several.dataSource().getConnection()) {
            SQLException e = assertThrows(SQLException.class, c::createStatement);
            assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("READWRITE_SPLITTING"),
                    e.getMessage());
        }
    }

    @Test
    void circuitBreakerRejectsNewConnectionsWith08004UntilRestored() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0"));
        Connection before = rt.dataSource().getConnection();
        rt.setCircuitBroken(true);
        assertTrue(rt.isCircuitBroken());
        SQLTransientConnectionException e = assertThrows(SQLTransientConnectionException.class,
                () -> rt.dataSource().getConnection());
        assertEquals("08004", e.getSQLState());
        assertTrue(e.getMessage().contains("circuit-broken") && e.getMessage().contains("'orders'"), e.getMessage());
        assertEquals("primary", H2Fixture.whoami(before), "a connection handed out before keeps working");
        before.close();
        rt.setCircuitBroken(false);
        assertEquals("primary", write(rt.dataSource()));
    }

    @Test
    void settingsMadeBeforeBindingAreReplayedOnThePhysicalConnection() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0"));
        try (Connection c = rt.dataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setSchema("INFORMATION_SCHEMA");
            c.setReadOnly(true);
            assertFalse(c.getAutoCommit());
            assertEquals("INFORMATION_SCHEMA", c.getSchema());
            try (Statement s = c.createStatement()) {
                s.executeQuery("select 1").close();
            }
            assertEquals("replica_0", whoamiQualified(c));
            assertFalse(c.getAutoCommit());
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            assertEquals("INFORMATION_SCHEMA", c.getSchema());
            assertTrue(c.isReadOnly());
            org.h2.jdbc.JdbcConnection physical = c.unwrap(org.h2.jdbc.JdbcConnection.class);
            assertFalse(physical.getAutoCommit());
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, physical.getTransactionIsolation());
            assertEquals("INFORMATION_SCHEMA", physical.getSchema());
            c.rollback();
        }
    }

    private static String whoamiQualified(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("select name from PUBLIC.whoami")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void credentialsPerCallAreNotSupported() {
        JdbcRuntime rt = h2.runtime();
        SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
                () -> rt.dataSource().getConnection("sa", "pw"));
        assertTrue(e.getMessage().contains("getConnection()"), e.getMessage());
    }

    @Test
    void connectionUnwrapsToItselfOrThePhysicalConnection() throws Exception {
        JdbcRuntime rt = splitting(ReadwriteSplittingRule.of("primary", "replica_0"));
        assertTrue(rt.dataSource().isWrapperFor(GovernedDataSource.class));
        assertThrows(SQLException.class, () -> rt.dataSource().unwrap(com.zaxxer.hikari.HikariDataSource.class));
        try (Connection c = rt.dataSource().getConnection()) {
            assertSame(c, c.unwrap(Connection.class));
            org.h2.jdbc.JdbcConnection h2Connection = c.unwrap(org.h2.jdbc.JdbcConnection.class);
            assertTrue(h2Connection.toString().contains("primary"), h2Connection.toString());
            try (Statement s = c.createStatement()) {
                assertSame(c, s.getConnection());
            }
        }
    }
}
