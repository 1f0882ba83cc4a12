package io.governor.repository.etcd;

import io.governor.core.scenario.GovernedDataSourceScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code Governance} entry point end to end on etcd: core's governed DataSource scenarios (two
 * instances switching a data source, read/write splitting, circuit breaker, bootstrap modes, ...)
 * with etcd as registry and config center, found through ServiceLoader by its type key.
 */
class EtcdGovernanceIT extends GovernedDataSourceScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
