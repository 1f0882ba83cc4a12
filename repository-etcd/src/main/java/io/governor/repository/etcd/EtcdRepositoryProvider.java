package io.governor.repository.etcd;

import io.governor.api.repository.AbstractRepositoryProvider;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.RepositoryConfig;

/**
 * The {@code etcd} repository: config center and registry center on etcd v3 through jetcd, with
 * every {@link Capability}, the bulk reads ({@link io.governor.api.repository.BulkReads}) and watches
 * that answer local reads ({@link io.governor.api.repository.LocalReads}). Found through
 * {@link java.util.ServiceLoader}; {@code serverLists} is {@code http(s)://host:port,...}, every key
 * lives under the etcd prefix {@code /<namespace>}, and the properties are described in
 * {@code docs/repositories/etcd.md} (unknown ones are rejected).
 *
 * <p>Stateless and thread-safe. {@link #create} blocks up to the connect timeout.
 */
public final class EtcdRepositoryProvider extends AbstractRepositoryProvider<RegistryRepository>
        implements RegistryRepositoryProvider {

    /** The type key. */
    public static final String TYPE = "etcd";

    /** Used by {@link java.util.ServiceLoader}. */
    public EtcdRepositoryProvider() {
        super(TYPE);
    }

    /**
     * Connects and returns a ready repository.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} for a bad or unknown property,
     *         {@code CONNECT_FAILED} when no server answered within {@code connectTimeout},
     *         {@code UNAUTHENTICATED} for a wrong user or password (never shown)
     */
    @Override
    protected RegistryRepository open(RepositoryConfig config) {
        return EtcdRepository.connect(EtcdSettings.from(config));
    }
}
