package io.governor.repository.etcd;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.core.Governance;
import io.governor.core.scenario.StartupChecks;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3 on etcd: {@code startupTimeout} bounds the whole start, whatever the client's
 * {@code connectTimeout}; a host that does not resolve and a misspelt property are one clear error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EtcdStartupIT {

    private static GovernanceConfig config(String endpoints, String namespace, Duration startupTimeout) {
        return StartupChecks.startOn("etcd", endpoints, namespace, startupTimeout)
                .database("orders", DatabaseConfig.empty().withDataSource("primary",
                        DataSourceConfig.of("jdbc:h2:mem:" + namespace + ";DB_CLOSE_DELAY=-1", "sa", "pw")))
                .build();
    }

    @Test
    void serverThatComesUpAfterTheConnectTimeoutButWithinStartupTimeoutIsUsed() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.single()) {
            etcd.stop(0);
            CompletableFuture<Governance> start = StartupChecks.startWaitingFor(
                    config(etcd.endpoints(), "late-etcd", Duration.ofSeconds(90)), EtcdSettings.DEFAULT_CONNECT_TIMEOUT.plusSeconds(2));
            etcd.restart(0);
            try (Governance g = start.get(90, TimeUnit.SECONDS)) {
                assertTrue(g.databases().contains("orders"));
            }
        }
    }

    @Test
    void unresolvableHostIsOneClearErrorNamingTheHost() {
        StartupChecks.assertUnresolvableHostFailsAtOnce(config("http://no.such.host:2379", "nohost-etcd", Duration.ofSeconds(30)));
    }

    @Test
    void misspeltPropertyNamesFileLineKeyPathAndTheKnownProperty(@TempDir Path dir) throws Exception {
        StartupChecks.assertCenterPropertiesRejected(dir, "etcd", "http://127.0.0.1:1", "\n      connectTimout: 5s", "line 7, key 'governance.registryCenter.props.connectTimout': "
                + "unknown property 'connectTimout' for etcd repository; did you mean 'connectTimeout'?");
    }
}
