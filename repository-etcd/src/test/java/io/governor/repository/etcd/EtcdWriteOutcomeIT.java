package io.governor.repository.etcd;

import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lost-answer contract on one real etcd server, connections cut by proxies. */
class EtcdWriteOutcomeIT extends EtcdWriteOutcome {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
}
