package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.AdminUnderFaultsScenario;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

/** The admin's updates under connection cuts on ZooKeeper: each applied exactly once, no CONFLICT for its own write. */
class ZooKeeperAdminFaultIT extends AdminUnderFaultsScenario {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();

    @Override
    protected RepositoryConfig center(String namespace, List<String> addresses) {
        return ZooKeeperTests.config(String.join(",", addresses), "", Duration.ofSeconds(10)).build();
    }
}
