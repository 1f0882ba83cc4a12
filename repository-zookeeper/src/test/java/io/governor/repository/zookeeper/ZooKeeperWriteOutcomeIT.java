package io.governor.repository.zookeeper;

import io.governor.api.repository.Repository;
import io.governor.test.Ports;
import io.governor.test.WriteOutcomeContract;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.List;

/** The lost-answer contract on one in-process ZooKeeper server, connections cut by proxies. */
class ZooKeeperWriteOutcomeIT extends WriteOutcomeContract {

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
    protected String linearizableRead(Repository r, String key) {
        return ZooKeeperTests.syncedGet(r, key);
    }

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return ZooKeeperTests.open(ZooKeeperTests.config(String.join(",", addresses), namespace,
                Duration.ofSeconds(10)).build());
    }
}
