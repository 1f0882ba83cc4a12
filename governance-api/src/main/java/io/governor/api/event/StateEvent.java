package io.governor.api.event;

/**
 * A change of governance state: an instance circuit-broken, a data source disabled, a lock taken or
 * lost, a center connection suspended.
 *
 * @param namespace the namespace
 * @param kind      what kind of state changed
 * @param subject   what it changed on: an instance id, {@code db/dataSource}, a lock name, a center type
 * @param state     the new state, e.g. {@code CIRCUIT_BREAKER}, {@code DISABLED}, {@code LOST}
 */
public record StateEvent(String namespace, Kind kind, String subject, String state) {

    /** The kinds of state that are reported. */
    public enum Kind {
        /** This instance's operator-set state ({@code ONLINE} / {@code CIRCUIT_BREAKER}). */
        INSTANCE,
        /** A data source's operator-set state ({@code ENABLED} / {@code DISABLED}). */
        DATA_SOURCE,
        /** A center connection's {@link io.governor.api.repository.ConnectionState}. */
        CONNECTION,
        /** A lock: {@code ACQUIRED}, {@code RELEASED} or {@code LOST}. */
        LOCK
    }
}
