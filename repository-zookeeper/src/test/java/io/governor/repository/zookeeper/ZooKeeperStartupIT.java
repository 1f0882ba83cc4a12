package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.core.Governance;
import io.governor.core.scenario.StartupChecks;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3 on ZooKeeper: {@code startupTimeout} bounds the whole start, whatever the client's
 * {@code connectionTimeout}; a host that does not resolve and a misspelt property are one clear error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperStartupIT {

    private static GovernanceConfig config(String servers, String namespace, Duration startupTimeout) {
        return StartupChecks.startOn("zookeeper", servers, namespace, startupTimeout)
                .database("orders", DatabaseConfig.empty()
                        .withDataSource("primary", DataSourceConfig.of("jdbc:h2:mem:" + namespace + "-p;DB_CLOSE_DELAY=-1", "sa", "pw"))
                        .withDataSource("replica_0", DataSourceConfig.of("jdbc:h2:mem:" + namespace + "-r;DB_CLOSE_DELAY=-1", "sa", "pw"))
                        .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))))
                .build();
    }

    @Test
    void serverThatComesUpAfterTheConnectionTimeoutButWithinStartupTimeoutIsUsed() throws Exception {
        int port = Ports.reserve(1)[0];
        // The server is down for longer than ZooKeeper's default connectionTimeout: the start that
        // used to give up then keeps trying until startupTimeout.
        CompletableFuture<Governance> start = StartupChecks.startWaitingFor(
                config("127.0.0.1:" + port, "late-zk", Duration.ofSeconds(60)), ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT.plusSeconds(2));
        try (TestingServer server = new TestingServer(port, true);
             Governance g = start.get(60, TimeUnit.SECONDS)) {
            assertTrue(g.databases().contains("orders"));
            try (var c = g.dataSource("orders").getConnection()) {
                assertTrue(c.isValid(5));
            }
            assertTrue(server.getConnectString().endsWith(":" + port));
        }
    }

    @Test
    void startFailsAfterStartupTimeoutNamingIt() {
        int port = Ports.reserve(1)[0];
        long begun = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> Governance.builder(config("127.0.0.1:" + port, "never-zk", Duration.ofSeconds(3))).build());
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("startupTimeout"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(took.compareTo(Duration.ofMillis(2500)) >= 0, "waited for the startupTimeout: " + took);
        assertTrue(took.compareTo(ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT.plusSeconds(5)) < 0,
                "gave up at the startupTimeout, not after the connectionTimeout: " + took);
    }

    @Test
    void unresolvableHostIsOneClearErrorNamingTheHost() {
        StartupChecks.assertUnresolvableHostFailsAtOnce(config("no.such.host:2181", "nohost-zk", Duration.ofSeconds(30)));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("governor-nohost-zk-zookeeper")),
                "no ZooKeeper client was made");
    }

    @Test
    void misspeltPropertyNamesFileLineKeyPathAndTheKnownProperty(@TempDir Path dir) throws Exception {
        StartupChecks.assertCenterPropertiesRejected(dir, "zookeeper", "127.0.0.1:1", " { sessionTimout: 10s }", "line 6, key 'governance.registryCenter.props.sessionTimout': "
                + "unknown property 'sessionTimout' for zookeeper repository; did you mean 'sessionTimeout'?");
    }

    @Test
    void centerDataSourceWithoutJdbcUrlIsInvalidConfigNamingTheNode() throws Exception {
        try (TestingServer server = new TestingServer(Ports.reserve(1)[0], true)) {
            try (var repo = ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), "nourl-zk", Duration.ofSeconds(10)).build())) {
                repo.put("/config/databases/orders/datasources/primary", "username: sa\n");
                repo.put("/config/databases/orders/rules", "");
            }
            GovernanceException e = assertThrows(GovernanceException.class,
                    () -> Governance.builder(config(server.getConnectString(), "nourl-zk", Duration.ofSeconds(30))).build());
            assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("zookeeper node /config/databases/orders/datasources/primary: line 1: jdbcUrl is required"),
                    e.getMessage());
        }
    }

    @Test
    void centerDocumentWithAGlobalTagIsRefusedForSafetyNamingTheNode() throws Exception {
        try (TestingServer server = new TestingServer(Ports.reserve(1)[0], true)) {
            try (var repo = ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), "tag-zk", Duration.ofSeconds(10)).build())) {
                repo.put("/config/databases/orders/datasources/primary", "jdbcUrl: jdbc:h2:mem:tag-zk\n");
                repo.put("/config/databases/orders/rules",
                        "- !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/x.jar\"]]]]\n");
            }
            GovernanceException e = assertThrows(GovernanceException.class,
                    () -> Governance.builder(config(server.getConnectString(), "tag-zk", Duration.ofSeconds(30))).build());
            assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("zookeeper node /config/databases/orders/rules: line 1: tag '!!javax.script.ScriptEngineManager'"
                    + " is not allowed (Governor loads only its own tags, for safety)"), e.getMessage());
        }
    }
}
