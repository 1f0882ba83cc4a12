package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.GovernedDataSourceScenarios;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Core's governed DataSource scenarios (a data source switched under an open transaction, an
 * unreachable URL rejected, read/write splitting with disable and failover, circuit breaker,
 * malformed rules, bootstrap modes) with ZooKeeper as registry and config center, found through
 * ServiceLoader by its type key.
 */
class ZooKeeperGovernedDataSourceIT extends GovernedDataSourceScenarios {

    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(Ports.reserve(1)[0], true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected RepositoryConfig center() {
        return RepositoryConfig.builder("zookeeper").serverLists(server.getConnectString())
                .property("sessionTimeout", "10s").build();
    }
}
