package io.governor.api.repository;

/**
 * The state of a repository's connection to its backend, the same on every backend.
 */
public enum ConnectionState {
    /** First connected. Reported once. */
    CONNECTED,
    /**
     * The connection dropped; the session or lease may still be alive. Ephemerals and locks are
     * still held on the server as far as the client knows, but the client cannot confirm it.
     */
    SUSPENDED,
    /**
     * Connected again after {@link #SUSPENDED} or {@link #LOST}. After a {@code LOST} the repository
     * has re-created its ephemerals and re-synchronised its watches by the time this is reported.
     */
    RECONNECTED,
    /**
     * The session (ZooKeeper) or lease (etcd) is gone: ephemerals were removed by the server and
     * every lock lease held is invalid. The repository keeps trying to reconnect.
     */
    LOST
}
