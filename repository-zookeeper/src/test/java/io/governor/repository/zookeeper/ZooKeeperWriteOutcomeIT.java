package io.governor.repository.zookeeper;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The lost-answer contract on one in-process ZooKeeper server, connections cut by proxies. */
class ZooKeeperWriteOutcomeIT extends ZooKeeperWriteOutcome {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
