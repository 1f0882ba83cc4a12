package io.governor.api.repository;

import java.util.Set;

/**
 * Creates repositories of one type. Found through {@link java.util.ServiceLoader}: a repository
 * module lists its provider in
 * {@code META-INF/services/io.governor.api.repository.RepositoryProvider}.
 *
 * <p>Implementations are stateless factories, safe for concurrent use, with a public no-argument
 * constructor.
 */
public interface RepositoryProvider {

    /** The type key, e.g. {@code zookeeper}; matched case-insensitively. */
    String type();

    /** The capabilities every repository this provider creates has. */
    Set<Capability> capabilities();

    /**
     * Connects and returns a ready repository: connected, authenticated and usable. If the provider's
     * {@link #capabilities()} contain {@link Capability#EPHEMERAL} the result is a
     * {@link RegistryRepository}.
     *
     * <p>Blocks up to the configured connection timeout.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} for a bad config,
     *         {@code CONNECT_FAILED} when no server answered in time, {@code UNAUTHENTICATED} for wrong
     *         credentials. The message names the servers and never a credential.
     */
    Repository create(RepositoryConfig config);
}
