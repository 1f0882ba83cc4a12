package io.governor.repository.etcd;

import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RegistryRepositoryContractTest;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

/** The repository contract kit against one real etcd server. */
class EtcdRepositoryContractIT extends RegistryRepositoryContractTest {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @RegisterExtension
    static final EtcdAdmin ADMIN = new EtcdAdmin(ETCD);

    @Override
    protected RegistryRepository newRepository(String namespace) {
        return new EtcdRepositoryProvider().create(RepositoryConfig.builder("etcd")
                .serverLists(ETCD.endpoints())
                .namespace(namespace)
                .property("leaseTtl", "3s")
                .build());
    }

    /** etcd's prefix watches keep the watched values and answer local reads from them. */
    @Override
    protected boolean watchesAnswerLocalReads() {
        return true;
    }

    /** Revokes the client's lease from another client, as an operator or a long partition would. */
    @Override
    protected void expireSession(RegistryRepository repository) throws Exception {
        ADMIN.client().getLeaseClient().revoke(((EtcdRepository) repository).leaseId()).get(10, TimeUnit.SECONDS);
    }
}
