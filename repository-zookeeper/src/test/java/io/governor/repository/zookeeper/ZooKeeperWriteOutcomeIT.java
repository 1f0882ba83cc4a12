package io.governor.repository.zookeeper;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

/** The lost-answer contract on one in-process ZooKeeper server, connections cut by proxies. */
class ZooKeeperWriteOutcomeIT extends WriteOutcomeContract {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();

    @Override
    protected List<String> servers() {
        return List.of(ZK.address());
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
