package io.governor.repository.zookeeper;

import io.governor.core.scenario.ChangeSafetyScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's change-safety scenarios of issue 20 on ZooKeeper: checked admin writes, a start-up that
 * seeds only what connected (a multi that the nodes are absent, so of two instances one seeds),
 * control changes awaited through the status nodes.
 */
class ZooKeeperChangeSafetyIT extends ChangeSafetyScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
