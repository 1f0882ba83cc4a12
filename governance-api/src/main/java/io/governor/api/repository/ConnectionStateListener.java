package io.governor.api.repository;

/**
 * Told about {@link ConnectionState} changes of a {@link RegistryRepository}, on a repository-owned
 * thread, in the order they happen. Must return quickly and never throw; an exception is logged
 * and ignored.
 */
@FunctionalInterface
public interface ConnectionStateListener {
    void stateChanged(ConnectionState state);
}
