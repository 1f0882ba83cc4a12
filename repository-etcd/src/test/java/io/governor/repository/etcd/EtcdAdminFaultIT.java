package io.governor.repository.etcd;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.AdminUnderFaultsScenario;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

/** The admin's updates under connection cuts on etcd: each applied exactly once, no CONFLICT for its own write. */
class EtcdAdminFaultIT extends AdminUnderFaultsScenario {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @Override
    protected RepositoryConfig center(String namespace, List<String> addresses) {
        return TestClients.shortTimeouts(TestClients.urls(addresses), "", Duration.ofSeconds(10));
    }
}
