package io.governor.api.repository;

/**
 * A repository that can also be a registry center: ephemeral keys bound to this client's session
 * or lease, distributed locks and connection-state reporting.
 *
 * <p>Thread-safe. <b>Session loss is never silent:</b> when the session (ZooKeeper) or lease (etcd)
 * is lost the repository reports {@link ConnectionState#LOST}, marks every held {@link LockLease}
 * invalid, and, once connected again, re-creates every ephemeral it owns with its latest value
 * before reporting {@link ConnectionState#RECONNECTED}.
 */
public interface RegistryRepository extends Repository {

    /**
     * Creates or overwrites an ephemeral key that lives as long as this client's session or lease,
     * creating persistent parents as needed. The repository remembers it and re-creates it after
     * session or lease loss, until {@link #delete} removes it or the repository is closed. Safe to retry.
     */
    void putEphemeral(String key, String value);

    /**
     * The lock named {@code name}. Lock state lives under the key {@code /locks/{name}}; the
     * name must be a legal path segment.
     */
    DistributedLock lock(String name);

    /** Registers a listener for connection-state changes. */
    void addConnectionStateListener(ConnectionStateListener listener);

    /** Removes a listener registered before; unknown listeners are ignored. */
    void removeConnectionStateListener(ConnectionStateListener listener);
}
