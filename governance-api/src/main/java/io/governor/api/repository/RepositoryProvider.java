package io.governor.api.repository;

/**
 * Creates repositories of one type. Found through {@link java.util.ServiceLoader}: a repository
 * module lists its provider in
 * {@code META-INF/services/io.governor.api.repository.RepositoryProvider}.
 *
 * <p>A provider whose repositories can be a registry center implements
 * {@link RegistryRepositoryProvider} instead; core tells the two apart by that type before it
 * connects anything.
 *
 * <p>Implementations are stateless factories, safe for concurrent use, with a public no-argument
 * constructor.
 */
public interface RepositoryProvider {

    /** The type key, e.g. {@code zookeeper}; matched case-insensitively. */
    String type();

    /**
     * Connects and returns a ready repository: connected, authenticated and usable.
     *
     * <p>Blocks up to the configured connection timeout.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} for a bad config (a config of
     *         another type included, see {@link RepositoryConfig#requireType}), {@code CONNECT_FAILED}
     *         when no server answered in time, {@code UNAUTHENTICATED} for wrong credentials. The
     *         message names the servers and never a credential.
     */
    Repository create(RepositoryConfig config);
}
