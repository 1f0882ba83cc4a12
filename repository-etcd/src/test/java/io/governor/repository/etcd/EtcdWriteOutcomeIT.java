package io.governor.repository.etcd;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The lost-answer contract on one real etcd server, connections cut by proxies. */
class EtcdWriteOutcomeIT extends WriteOutcomeContract {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @Override
    protected List<String> servers() {
        return List.of("127.0.0.1:" + ETCD.clientPort(0));
    }

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return TestClients.connect(addresses.stream().map(a -> "http://" + a).collect(Collectors.joining(",")),
                namespace, Duration.ofSeconds(10));
    }
}
