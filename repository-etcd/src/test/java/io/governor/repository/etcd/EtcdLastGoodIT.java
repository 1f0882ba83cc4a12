package io.governor.repository.etcd;

import io.governor.core.scenario.LastGoodScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's last good revision scenarios of issue 22 on etcd: the record is a compare-and-set of one
 * key outside the watched {@code /config}, and a new instance falls back to it.
 */
class EtcdLastGoodIT extends LastGoodScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
