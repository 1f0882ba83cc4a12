package io.governor.api.event;

import io.governor.api.GovernanceException;

/**
 * Observes governed JDBC calls and governance events. Every method has a no-op default, so a
 * listener overrides only what it needs. Tracing modules are nothing but listeners.
 *
 * <p>Listeners are found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.governor.api.event.GovernanceListener}) or registered on the
 * {@code Governance} builder.
 *
 * <p><b>Contract:</b> methods are called synchronously on the thread doing the work (the
 * application's thread for JDBC calls, a governance thread for configuration events, the Governor
 * or center client thread that saw the change for state events), so they must be fast, must not
 * block, and must not call back into Governor on the same thread.
 * They must not throw; core catches and logs whatever they throw and goes on. When no listener is
 * registered, none of these is called and no event object is created.
 */
public interface GovernanceListener {

    /**
     * Whether this listener wants connection and statement events. Core asks when a governed
     * DataSource is created and, while the answer is false, again every 2 seconds on that
     * database's governance thread, so a listener may start observing later (a tracing listener does
     * once its tracer is registered). Connections opened after a true answer report to the listener;
     * connections opened before do not, so each connection's start and end events reach the same
     * listeners. A listener that answered true is not asked again by that DataSource; one that
     * throws is logged and never asked again. While a listener answers false it is never called for
     * JDBC events and costs the hot path nothing (a tracing listener with no tracer configured
     * answers false). Governance events are delivered either way. The default is true. Must be fast
     * and must not block.
     */
    default boolean observesJdbc() {
        return true;
    }

    /** An application asked a governed data source for a connection. */
    default void connectionStarted(ConnectionEvent event) {
    }

    /** The connection was obtained and bound to {@link ConnectionEvent#dataSource()}. */
    default void connectionEnded(ConnectionEvent event) {
    }

    /** Obtaining the connection failed (including a circuit-broken instance). */
    default void connectionFailed(ConnectionEvent event, Throwable error) {
    }

    /** A statement starts executing. */
    default void statementStarted(StatementEvent event) {
    }

    /** The statement finished successfully. */
    default void statementEnded(StatementEvent event) {
    }

    /** The statement failed. */
    default void statementFailed(StatementEvent event, Throwable error) {
    }

    /** This instance applied a configuration change. */
    default void configurationApplied(ConfigurationEvent event) {
    }

    /** This instance rejected a configuration change; the running configuration stays as it was. */
    default void configurationRejected(ConfigurationEvent event, GovernanceException error) {
    }

    /** A state changed (circuit breaker, data source disabled, lock, center connection). */
    default void stateChanged(StateEvent event) {
    }
}
