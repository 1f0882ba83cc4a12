package io.governor.repository.etcd;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The lost-answer contract on a three-member etcd cluster: connections cut by proxies, and the
 * leader killed (SIGKILL) and restarted in the middle of the run.
 */
class EtcdClusterWriteOutcomeIT extends WriteOutcomeContract {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(3);

    @Override
    protected List<String> servers() {
        return IntStream.range(0, ETCD.size()).mapToObj(i -> "127.0.0.1:" + ETCD.clientPort(i)).toList();
    }

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return TestClients.connect(addresses.stream().map(a -> "http://" + a).collect(Collectors.joining(",")),
                namespace, Duration.ofSeconds(10));
    }

    @Override
    protected boolean loseLeader() {
        int leader = ETCD.leader();
        ETCD.kill(leader);
        ETCD.restart(leader);
        return true;
    }
}
