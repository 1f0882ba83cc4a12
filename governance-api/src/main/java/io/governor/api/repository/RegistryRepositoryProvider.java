package io.governor.api.repository;

/**
 * A provider whose repositories can also be a registry center: {@link #create} returns a
 * {@link RegistryRepository} (ephemeral keys, locks, connection states). List it in
 * {@code META-INF/services/io.governor.api.repository.RepositoryProvider} like any provider.
 *
 * <p>Stateless and thread-safe, as every provider.
 */
public interface RegistryRepositoryProvider extends RepositoryProvider {

    /** As {@link RepositoryProvider#create}, typed: the repository is a registry repository. */
    @Override
    RegistryRepository create(RepositoryConfig config);
}
