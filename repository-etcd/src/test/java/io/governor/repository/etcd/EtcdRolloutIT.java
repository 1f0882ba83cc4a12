package io.governor.repository.etcd;

import io.governor.core.scenario.RolloutScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's rollout scenarios of issue 22 on etcd: the rollout node is written, promoted and withdrawn in
 * transactions guarded by its value, and instances re-read it through their watch's copy of {@code /config}.
 */
class EtcdRolloutIT extends RolloutScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
