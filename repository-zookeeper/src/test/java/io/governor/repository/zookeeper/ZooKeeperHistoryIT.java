package io.governor.repository.zookeeper;

import io.governor.core.scenario.HistoryScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's history and rollback scenarios of issue 22 on ZooKeeper: each write keeps its entry in the
 * same multi as the change, and a rollback is one multi that checks every node it read.
 */
class ZooKeeperHistoryIT extends HistoryScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
