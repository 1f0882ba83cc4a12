package io.governor.core;

/** The operator-set state of an instance, stored in {@code /control/instances/{id}}. */
public enum InstanceState {
    /** Serving normally. The default when no control node exists. */
    ONLINE,
    /** {@code getConnection()} on every governed data source of the instance fails with SQLState 08004. */
    CIRCUIT_BREAKER
}
