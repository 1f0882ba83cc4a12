package io.governor.repository.etcd;

import io.governor.core.scenario.HistoryScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's history and rollback scenarios of issue 22 on etcd: each write keeps its entry in the same
 * transaction as the change, and a rollback is one transaction comparing every node it read.
 */
class EtcdHistoryIT extends HistoryScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
