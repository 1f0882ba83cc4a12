package io.governor.repository.etcd;

import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lost-answer contract on a three-member etcd cluster: connections cut by proxies, and the
 * leader killed (SIGKILL) and restarted in the middle of the run.
 */
class EtcdClusterWriteOutcomeIT extends EtcdWriteOutcome {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(3);

    @Override
    protected boolean loseLeader() {
        int leader = ETCD.leader();
        ETCD.kill(leader);
        ETCD.restart(leader);
        return true;
    }
}
