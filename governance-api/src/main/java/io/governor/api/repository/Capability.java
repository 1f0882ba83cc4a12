package io.governor.api.repository;

/**
 * An optional guarantee of a {@link Repository}'s operations, declared by
 * {@link Repository#capabilities()}. What every repository does (get, children, put, delete, watch)
 * is no capability, and neither is being a registry center: that is a type, a
 * {@link RegistryRepository} created by a {@link RegistryRepositoryProvider}.
 */
public enum Capability {
    /**
     * {@link Repository#compareAndSet} is atomic on the backend. Without it core falls back to
     * last-writer-wins and logs a WARN once.
     */
    COMPARE_AND_SET,
    /** {@link Repository#commit(java.util.List)} applies several operations atomically. */
    TRANSACTION
}
