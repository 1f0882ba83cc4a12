package io.governor.api.repository;

import java.util.Locale;
import java.util.Objects;

/**
 * What every provider repeats, written once: the type key, and the check that a configuration is
 * of that type ({@link RepositoryConfig#requireType}) before the subclass opens it. A provider passes
 * its type key to the constructor and implements {@link #open}; a registry provider is declared as
 * {@code extends AbstractRepositoryProvider<RegistryRepository> implements RegistryRepositoryProvider}.
 *
 * <p>Stateless and thread-safe as long as the subclass is.
 *
 * @param <R> what {@link #create} returns
 */
public abstract class AbstractRepositoryProvider<R extends Repository> implements RepositoryProvider {

    private final String type;

    /** @param type the type key, lower case, e.g. {@code zookeeper} */
    protected AbstractRepositoryProvider(String type) {
        this.type = Objects.requireNonNull(type, "type");
        if (!type.equals(type.toLowerCase(Locale.ROOT)) || type.isBlank()) {
            throw new IllegalArgumentException("a type key is lower case and not blank: '" + type + "'");
        }
    }

    @Override
    public final String type() {
        return type;
    }

    /**
     * Checks that {@code config} is of this provider's type, then {@link #open}s it.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} for a configuration of another
     *         type; otherwise what {@link #open} throws
     */
    @Override
    public final R create(RepositoryConfig config) {
        return open(config.requireType(type));
    }

    /**
     * Connects and returns a ready repository for a configuration of this provider's type, as
     * {@link RepositoryProvider#create} describes (blocking, failures, no credential in a message).
     */
    protected abstract R open(RepositoryConfig config);
}
