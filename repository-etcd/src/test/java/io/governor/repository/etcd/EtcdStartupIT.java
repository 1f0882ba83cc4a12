package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.test.Await;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3 on etcd: {@code startupTimeout} bounds the whole start, whatever the client's
 * {@code connectTimeout}; a host that does not resolve and a misspelt property are one clear error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EtcdStartupIT {

    private static GovernanceConfig config(String endpoints, String namespace, Duration startupTimeout) {
        return GovernanceConfig.builder(namespace)
                .registryCenter(RepositoryConfig.builder("etcd").serverLists(endpoints).build())
                .bootstrap(BootstrapMode.CENTER).startupTimeout(startupTimeout)
                .database("orders", DatabaseConfig.empty().withDataSource("primary",
                        DataSourceConfig.of("jdbc:h2:mem:" + namespace + ";DB_CLOSE_DELAY=-1", "sa", "pw")))
                .build();
    }

    @Test
    void serverThatComesUpAfterTheConnectTimeoutButWithinStartupTimeoutIsUsed() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.single()) {
            etcd.stop(0);
            long begun = System.nanoTime();
            CompletableFuture<Governance> start = CompletableFuture.supplyAsync(
                    () -> Governance.builder(config(etcd.endpoints(), "late-etcd", Duration.ofSeconds(90))).build());
            Duration down = EtcdSettings.DEFAULT_CONNECT_TIMEOUT.plusSeconds(2);
            Await.until(down.plusSeconds(10), "the server has been down for " + down,
                    () -> System.nanoTime() - begun > down.toNanos() || start.isDone());
            assertFalse(start.isDone(), () -> "start-up gave up before startupTimeout: " + start.handle((g, e) -> e).join());
            etcd.restart(0);
            try (Governance g = start.get(90, TimeUnit.SECONDS)) {
                assertTrue(g.databases().contains("orders"));
            }
        }
    }

    @Test
    void unresolvableHostIsOneClearErrorNamingTheHost() {
        long begun = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> Governance.builder(config("http://no.such.host:2379", "nohost-etcd", Duration.ofSeconds(30))).build());
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot resolve host 'no.such.host'"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "failed at once, not after retrying: " + took);
    }

    @Test
    void misspeltPropertyNamesFileLineKeyPathAndTheKnownProperty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("governor.yaml");
        Files.writeString(file, """
                governance:
                  namespace: typo-etcd
                  registryCenter:
                    type: etcd
                    serverLists: "http://127.0.0.1:1"
                    props:
                      connectTimout: 5s
                """);
        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.fromYaml(file));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().startsWith(file + ": line 7, key 'governance.registryCenter.props.connectTimout': "
                + "unknown property 'connectTimout' for etcd repository; did you mean 'connectTimeout'?"), e.getMessage());
    }
}
