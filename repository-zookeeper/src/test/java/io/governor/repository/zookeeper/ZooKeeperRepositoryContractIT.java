package io.governor.repository.zookeeper;

import io.governor.api.repository.RegistryRepository;
import io.governor.test.Ports;
import io.governor.test.RegistryRepositoryContractTest;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The repository contract kit against one in-process ZooKeeper server. */
class ZooKeeperRepositoryContractIT extends RegistryRepositoryContractTest {

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
    protected RegistryRepository newRepository(String namespace) {
        return ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), namespace, Duration.ofSeconds(10)).build());
    }

    @Override
    protected void expireSession(RegistryRepository repository) throws Exception {
        ZooKeeperTests.expireSession(repository, server.getConnectString());
    }
}
