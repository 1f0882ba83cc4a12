package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.AdminScenarios;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Core's admin scenarios on ZooKeeper: a rule write guarded by the data sources its rules name, in
 * one multi; a database of 1,000 data sources changes its rules.
 */
class ZooKeeperAdminIT extends AdminScenarios {

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
