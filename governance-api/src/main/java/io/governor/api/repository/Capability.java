package io.governor.api.repository;

/**
 * What a repository can do beyond the operations every {@link Repository} has (get, put, delete,
 * watch). Core checks a role's required capabilities when it connects a center and fails with
 * {@code CAPABILITY_MISSING} naming the first one that is absent.
 */
public enum Capability {
    /** {@link Repository#children(String)} lists direct children. Required of every center. */
    LIST_CHILDREN,
    /**
     * {@link Repository#compareAndSet} is atomic on the backend. Without it core falls back to
     * last-writer-wins and logs a WARN once.
     */
    COMPARE_AND_SET,
    /** {@link Repository#commit(java.util.List)} applies several operations atomically. */
    TRANSACTION,
    /** {@link RegistryRepository#putEphemeral} is supported. Required of a registry center. */
    EPHEMERAL,
    /** {@link RegistryRepository#lock(String)} is supported. Required of a registry center. */
    LOCK
}
