package io.governor.repository.zookeeper;

import io.governor.core.scenario.AdminScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's admin scenarios on ZooKeeper: a rule write guarded by the data sources its rules name, in
 * one multi; a database of 1,000 data sources changes its rules.
 */
class ZooKeeperAdminIT extends AdminScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
