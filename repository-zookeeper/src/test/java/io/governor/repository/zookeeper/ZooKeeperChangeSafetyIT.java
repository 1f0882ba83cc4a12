package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.ChangeSafetyScenarios;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Core's change-safety scenarios of issue 20 on ZooKeeper: checked admin writes, a start-up that
 * seeds only what connected (a multi that the nodes are absent, so of two instances one seeds),
 * control changes awaited through the status nodes.
 */
class ZooKeeperChangeSafetyIT extends ChangeSafetyScenarios {

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
