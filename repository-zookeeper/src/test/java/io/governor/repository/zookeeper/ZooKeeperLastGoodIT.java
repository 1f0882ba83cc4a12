package io.governor.repository.zookeeper;

import io.governor.core.scenario.LastGoodScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's last good revision scenarios of issue 22 on ZooKeeper: the record is a compare-and-set of
 * one node outside the watched {@code /config}, and a new instance falls back to it.
 */
class ZooKeeperLastGoodIT extends LastGoodScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
