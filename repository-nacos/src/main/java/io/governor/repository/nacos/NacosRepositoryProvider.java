package io.governor.repository.nacos;

import io.governor.api.GovernanceException;
import io.governor.api.repository.AbstractRepositoryProvider;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;

/**
 * Creates config-center repositories of type {@code nacos} on a Nacos 2.x server (gRPC).
 *
 * <p>Children are listed through index documents the repository keeps. Capability:
 * {@link Capability#COMPARE_AND_SET} (through {@code publishConfigCas}). Nacos configurations
 * cannot be ephemeral and Nacos config has no locks, so this is no
 * {@link io.governor.api.repository.RegistryRepositoryProvider}: a Nacos repository can be a config
 * center but never a registry center. Reads after a write see it from every client of the same
 * Nacos server, not from other members of a Nacos cluster at once ({@code docs/repositories/nacos.md}).
 *
 * <p>{@code serverLists} is the Nacos server list ({@code host:port,...}, the HTTP port; the client
 * talks gRPC on port + 1000). The properties are described in {@code docs/repositories/nacos.md};
 * unknown ones are rejected.
 *
 * <p>Stateless and thread-safe.
 */
public final class NacosRepositoryProvider extends AbstractRepositoryProvider<Repository> {

    /** The type key. */
    public static final String TYPE = "nacos";

    /** Used by {@link java.util.ServiceLoader}. */
    public NacosRepositoryProvider() {
        super(TYPE);
    }

    /**
     * Starts a Nacos client and waits until it is connected.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} for a bad configuration, {@code CONNECT_FAILED}
     *         when no server answered within {@code connectTimeout}
     */
    @Override
    protected Repository open(RepositoryConfig config) {
        NacosSettings settings = new NacosSettings(config);
        return new NacosRepository(settings, NacosClient.connect(settings));
    }
}
