package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.test.Await;
import io.governor.test.SilentServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveChangeTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    @Test
    void unchangedDataSourceKeepsItsPoolAndRulesOnlyChangeBuildsNothing() {
        JdbcRuntime rt = h2.runtime();
        DatabaseConfig v1 = h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0");
        rt.apply(v1, GovernanceProps.empty(), "r1");
        DataSource primary = rt.pool("primary");
        DataSource replica = rt.pool("replica_0");

        rt.apply(v1.withDataSource("replica_0", h2.hikari("replica_0").with("maximumPoolSize", "2")),
                GovernanceProps.empty(), "r2");
        assertSame(primary, rt.pool("primary"), "unchanged data source was rebuilt");
        assertNotSame(replica, rt.pool("replica_0"), "changed data source was not rebuilt");

        DataSource replica2 = rt.pool("replica_0");
        DatabaseConfig rulesOnly = rt.snapshot().config.withRules(List.of(ReadwriteSplittingRule.of("replica_0", "primary")));
        rt.apply(rulesOnly, H2Fixture.props("5s", "5s"), "r3");
        assertSame(primary, rt.pool("primary"));
        assertSame(replica2, rt.pool("replica_0"));
        assertEquals("r3", rt.revision());
        assertFalse(((HikariDataSource) primary).isClosed());
    }

    @Test
    void openTransactionOnReplacedPoolCommitsAndOldPoolClosesWhenItsConnectionReturns() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(H2Fixture.props("30s", "5s"));
        HikariDataSource old = (HikariDataSource) rt.pool("primary");

        Connection inFlight = rt.dataSource().getConnection();
        inFlight.setAutoCommit(false);
        try (Statement s = inFlight.createStatement()) {
            s.executeUpdate("insert into t values (1)");
        }

        rt.apply(primaryWith("maximumPoolSize", "5"), H2Fixture.props("30s", "5s"), "r2");
        assertNotSame(old, rt.pool("primary"));
        assertFalse(old.isClosed(), "old pool closed while a connection was lent");

        try (Statement s = inFlight.createStatement()) {
            s.executeUpdate("insert into t values (2)");
        }
        inFlight.commit();
        assertEquals(2, h2.rows("primary"));
        inFlight.close();
        Await.until("old pool closed after its last connection returned", old::isClosed);

        try (Connection c = rt.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("insert into t values (3)");
        }
        assertEquals(3, h2.rows("primary"));
    }

    @Test
    void replacedPoolIsForceClosedAfterDrainTimeout() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(H2Fixture.props("200ms", "5s"));
        HikariDataSource old = (HikariDataSource) rt.pool("primary");
        Connection leaked = rt.dataSource().getConnection();
        assertEquals("primary", H2Fixture.whoami(leaked));

        rt.apply(DatabaseConfig.empty().withDataSource("primary", h2.hikari("replica_0")),
                H2Fixture.props("200ms", "5s"), "r2");
        Await.until("old pool force-closed after drain-timeout", old::isClosed);
        // whether the lent connection is cut is up to the pool and driver (HikariCP aborts it; H2 ignores abort)
        leaked.close();
        try (Connection c = rt.dataSource().getConnection()) {
            assertEquals("replica_0", H2Fixture.whoami(c));
        }
    }

    @Test
    void removedDataSourceIsDrainedAndIdlePoolClosesAtOnce() throws Exception {
        JdbcRuntime rt = h2.runtime();
        rt.apply(h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0"),
                GovernanceProps.empty(), "r1");
        HikariDataSource replica = (HikariDataSource) rt.pool("replica_0");
        rt.apply(h2.database(List.of(), "primary"), GovernanceProps.empty(), "r2");
        assertTrue(replica.isClosed(), "an idle removed pool closes when it is retired");
        assertNull(rt.pool("replica_0"));
    }

    @Test
    void unreachableJdbcUrlIsNotSwappedInAndOldPoolKeepsServing() throws Exception {
        JdbcRuntime rt = h2.runtime();
        DatabaseConfig v1 = h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0");
        rt.apply(v1, H2Fixture.props("30s", "5s"), "r1");
        HikariDataSource primary = (HikariDataSource) rt.pool("primary");
        DataSource replica = rt.pool("replica_0");
        int port = closedPort();
        String badUrl = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:nowhere";
        DatabaseConfig v2 = v1
                .withDataSource("primary", h2.hikari("primary").with("jdbcUrl", badUrl).with("connectionTimeout", "250")
                        .with("password", "top-s3cret"))
                .withDataSource("replica_0", h2.hikari("replica_0").with("maximumPoolSize", "2"));

        GovernanceException e = assertThrows(GovernanceException.class,
                () -> rt.apply(v2, H2Fixture.props("30s", "5s"), "r2"));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code());
        assertTrue(e.getMessage().contains("'primary'"), e.getMessage());
        assertTrue(e.getMessage().contains(badUrl), e.getMessage());
        assertFalse(e.getMessage().contains("top-s3cret"), e.getMessage());

        assertEquals("r1", rt.revision());
        assertSame(primary, rt.pool("primary"));
        assertSame(replica, rt.pool("replica_0"), "the valid half of the change was applied");
        assertFalse(primary.isClosed());
        try (Connection c = rt.dataSource().getConnection()) {
            assertEquals("primary", H2Fixture.whoami(c));
        }
    }

    @Test
    void newPoolSlowerThanPoolCheckTimeoutIsRejectedAndClosedWhenItGivesUp() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(H2Fixture.props("30s", "5s"));
        DataSource primary = rt.pool("primary");
        try (SilentServer silent = SilentServer.start()) {
            String url = "jdbc:h2:tcp://127.0.0.1:" + silent.port() + "/mem:silent";
            GovernanceException e = assertThrows(GovernanceException.class, () -> rt.apply(
                    primaryWith("jdbcUrl", url), H2Fixture.props("30s", "300ms"), "r2"));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("'primary'") && e.getMessage().contains("pool-check-timeout"),
                    e.getMessage());
            assertSame(primary, rt.pool("primary"));
            assertEquals("r1", rt.revision());
        }
        Await.until("abandoned pool check thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("governor-" + h2.namespace + "-orders-pool-check")));
    }

    @Test
    void circuitBreakerTakesEffectWhileASlowChangeIsBeingApplied() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(H2Fixture.props("30s", "5s"));
        java.util.concurrent.CompletableFuture<Void> slowApply;
        try (SilentServer silent = SilentServer.start()) {
            String url = "jdbc:h2:tcp://127.0.0.1:" + silent.port() + "/mem:silent";
            slowApply = java.util.concurrent.CompletableFuture.runAsync(() -> rt.apply(
                    primaryWith("jdbcUrl", url), H2Fixture.props("30s", "3s"), "r2"));
            Await.until("the slow change is checking its new pool", () -> Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("governor-" + h2.namespace + "-orders-pool-check")));

            rt.setCircuitBroken(true);

            assertTrue(!slowApply.isDone(), "the circuit breaker did not wait for the change being applied");
            java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> rt.dataSource().getConnection());
            assertEquals("08004", refused.getSQLState());
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> slowApply.get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(ErrorCode.TIMEOUT, ((GovernanceException) failed.getCause()).code());
            assertTrue(rt.isCircuitBroken(), "the rejected change did not undo the circuit breaker");
        }
    }

    @Test
    void unknownPoolPropertyRejectsTheWholeChange() {
        JdbcRuntime rt = h2.primaryAlone(GovernanceProps.empty());
        DataSource primary = rt.pool("primary");
        DatabaseConfig bad = h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0")
                .withDataSource("primary", h2.hikari("primary").with("maxPoolSize", "3"));
        GovernanceException e = assertThrows(GovernanceException.class, () -> rt.apply(bad, GovernanceProps.empty(), "r2"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("maxPoolSize") && e.getMessage().contains("HikariDataSource"), e.getMessage());
        assertSame(primary, rt.pool("primary"));
        assertNull(rt.pool("replica_0"));
        assertEquals("r1", rt.revision());
    }

    @Test
    void ruleNamingAMissingDataSourceIsRejected() {
        JdbcRuntime rt = h2.runtime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> rt.apply(
                h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_9")), "primary"),
                GovernanceProps.empty(), "r1"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("replica_9"), e.getMessage());
        assertNull(rt.revision());
        assertNull(rt.pool("primary"));
    }

    @Test
    void closeClosesPoolsRejectsConnectionsAndLeavesNoThread() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(H2Fixture.props("200ms", "5s"));
        HikariDataSource first = (HikariDataSource) rt.pool("primary");
        Connection lent = rt.dataSource().getConnection();
        H2Fixture.whoami(lent);
        rt.apply(primaryWith("maximumPoolSize", "3"), H2Fixture.props("200ms", "5s"), "r2");
        HikariDataSource second = (HikariDataSource) rt.pool("primary");

        rt.close();
        assertTrue(second.isClosed());
        SQLException e = assertThrows(SQLNonTransientConnectionException.class, () -> rt.dataSource().getConnection());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(GovernanceException.class, () -> rt.apply(h2.database(List.of(), "primary"),
                GovernanceProps.empty(), "r3"));
        Await.until("drained pool closed", first::isClosed);
        lent.close();
        Await.until(Duration.ofSeconds(20), "no governor thread of the runtime left", () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("governor-" + h2.namespace)));
    }

    /** The database with the primary alone, its pool setting {@code key} changed to {@code value}. */
    private DatabaseConfig primaryWith(String key, String value) {
        return h2.database(List.of(), "primary").withDataSource("primary", h2.hikari("primary").with(key, value));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
