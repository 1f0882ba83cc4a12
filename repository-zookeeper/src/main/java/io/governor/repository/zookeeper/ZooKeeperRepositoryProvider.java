package io.governor.repository.zookeeper;

import io.governor.api.repository.AbstractRepositoryProvider;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.RepositoryConfig;

/**
 * The {@code zookeeper} repository: config center and registry center on Apache ZooKeeper 3.6+
 * through Apache Curator, with every {@link Capability} and the bulk reads
 * ({@link io.governor.api.repository.BulkReads}). Found through {@link java.util.ServiceLoader}; its
 * properties are described in {@code docs/repositories/zookeeper.md}, any other is an error.
 * Stateless and thread-safe; {@link #create} blocks until connected or the connection timeout.
 */
public final class ZooKeeperRepositoryProvider extends AbstractRepositoryProvider<RegistryRepository>
        implements RegistryRepositoryProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public ZooKeeperRepositoryProvider() {
        super(ZooKeeperRepository.TYPE);
    }

    /**
     * {@inheritDoc} The repository is rooted at the config's namespace; {@code UNAUTHENTICATED} means
     * that the namespace's ACL does not admit this client's {@code digest} credentials (or the lack of them).
     */
    @Override
    protected RegistryRepository open(RepositoryConfig config) {
        return ZooKeeperRepository.open(ZooKeeperSettings.from(config));
    }
}
