package io.governor.repository.zookeeper;

import io.governor.core.scenario.GovernedDataSourceScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's governed DataSource scenarios (a data source switched under an open transaction, an
 * unreachable URL rejected, read/write splitting with disable and failover, circuit breaker,
 * malformed rules, bootstrap modes) with ZooKeeper as registry and config center, found through
 * ServiceLoader by its type key.
 */
class ZooKeeperGovernedDataSourceIT extends GovernedDataSourceScenarios {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();
}
