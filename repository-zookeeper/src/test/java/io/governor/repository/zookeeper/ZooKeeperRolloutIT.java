package io.governor.repository.zookeeper;

import io.governor.core.scenario.RolloutScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's rollout scenarios of issue 22 on ZooKeeper: the rollout node is written, promoted and withdrawn in
 * multis guarded by its value, and instances see it through their watch of {@code /config}.
 */
class ZooKeeperRolloutIT extends RolloutScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
