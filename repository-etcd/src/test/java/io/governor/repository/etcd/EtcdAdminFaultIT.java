package io.governor.repository.etcd;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.AdminUnderFaultsScenario;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The admin's updates under connection cuts on etcd: each applied exactly once, no CONFLICT for its own write. */
class EtcdAdminFaultIT extends AdminUnderFaultsScenario {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @Override
    protected List<String> servers() {
        return List.of("127.0.0.1:" + ETCD.clientPort(0));
    }

    @Override
    protected RepositoryConfig center(String namespace, List<String> addresses) {
        return TestClients.config(addresses.stream().map(a -> "http://" + a).collect(Collectors.joining(",")), "")
                .property("leaseTtl", Duration.ofSeconds(10))
                .property("requestTimeout", Duration.ofSeconds(3))
                .property("connectTimeout", Duration.ofSeconds(5))
                .build();
    }
}
