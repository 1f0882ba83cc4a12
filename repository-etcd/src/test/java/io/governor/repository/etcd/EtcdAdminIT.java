package io.governor.repository.etcd;

import io.governor.core.scenario.AdminScenarios;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's admin scenarios on etcd with its default limits (128 compares per transaction): a rule
 * write guarded by the data sources its rules name, so the rules of a database of 1,000 data
 * sources can change.
 */
class EtcdAdminIT extends AdminScenarios {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
