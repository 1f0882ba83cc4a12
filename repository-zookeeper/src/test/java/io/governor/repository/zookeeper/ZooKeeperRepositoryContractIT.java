package io.governor.repository.zookeeper;

import io.governor.api.repository.RegistryRepository;
import io.governor.test.RegistryRepositoryContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/** The repository contract kit against one in-process ZooKeeper server. */
class ZooKeeperRepositoryContractIT extends RegistryRepositoryContractTest {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();

    @Override
    protected RegistryRepository newRepository(String namespace) {
        return ZooKeeperTests.open(ZooKeeperTests.config(ZK.connectString(), namespace, Duration.ofSeconds(10)).build());
    }

    @Override
    protected void expireSession(RegistryRepository repository) throws Exception {
        ZooKeeperTests.expireSession(repository, ZK.connectString());
    }
}
