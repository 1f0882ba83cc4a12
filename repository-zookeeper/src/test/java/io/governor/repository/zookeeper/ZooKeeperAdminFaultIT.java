package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.AdminUnderFaultsScenario;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.List;

/** The admin's updates under connection cuts on ZooKeeper: each applied exactly once, no CONFLICT for its own write. */
class ZooKeeperAdminFaultIT extends AdminUnderFaultsScenario {

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
    protected List<String> servers() {
        return List.of("127.0.0.1:" + server.getPort());
    }

    @Override
    protected RepositoryConfig center(String namespace, List<String> addresses) {
        return ZooKeeperTests.config(String.join(",", addresses), "", Duration.ofSeconds(10)).build();
    }
}
