package io.governor.repository.etcd;

import io.governor.core.scenario.ChangeSafetyScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's change-safety scenarios of issue 20 on etcd: the seed of an empty center is one
 * transaction comparing that the nodes are absent, so of two instances starting at once one seeds.
 */
class EtcdChangeSafetyIT extends ChangeSafetyScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
