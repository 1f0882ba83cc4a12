package io.governor.api.event;

import io.governor.api.GovernanceException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatch every tracing listener shares, so that a tracing module writes only how it makes
 * spans: statement spans started at {@code statementStarted}, kept on the event and ended (marked
 * failed where it failed) at its end; failed {@code getConnection()} calls, configuration changes and
 * state changes as spans of their own, the last two only when {@link TracingSettings#governanceEvents()};
 * and the revision each database runs, for statement spans to carry ({@link #revision}).
 *
 * <p>Each method asks {@link #tracer()} first and does nothing more when it answers null, so a
 * listener without a tracer costs what that call costs.
 *
 * <p>Thread-safe if the subclass's methods are; the listener contract (fast, never throws, never
 * calls back into Governor) applies to them.
 *
 * @param <T> the tracer type
 * @param <S> the span type
 */
public abstract class TracingListener<T, S> implements GovernanceListener {

    private final TracingSettings settings;
    private final Map<String, String> revisions = new ConcurrentHashMap<>();

    protected TracingListener(TracingSettings settings) {
        this.settings = settings;
    }

    /** What this listener records. */
    public final TracingSettings settings() {
        return settings;
    }

    /** The tracer to use now, or null when tracing is off. */
    protected abstract T tracer();

    /** Starts the span of a statement (not made current). */
    protected abstract S startStatement(T tracer, StatementEvent event);

    /** Ends the span of a statement; {@code error} is null when the statement succeeded. */
    protected abstract void endStatement(S span, Throwable error);

    /** Records a failed {@code getConnection()}. */
    protected abstract void traceConnectionFailure(T tracer, ConnectionEvent event, Throwable error);

    /** Records an applied ({@code error} null) or rejected configuration. */
    protected abstract void traceConfiguration(T tracer, ConfigurationEvent event, GovernanceException error);

    /** Records a state change. */
    protected abstract void traceState(T tracer, StateEvent event);

    /** The revision {@code database} runs, as the last applied configuration said, or null. */
    protected final String revision(String database) {
        return revisions.get(database);
    }

    @Override
    public final void statementStarted(StatementEvent e) {
        T t = tracer();
        if (t != null) {
            e.attach(this, startStatement(t, e));
        }
    }

    @Override
    public final void statementEnded(StatementEvent e) {
        S span = span(e);
        if (span != null) {
            endStatement(span, null);
        }
    }

    @Override
    public final void statementFailed(StatementEvent e, Throwable error) {
        S span = span(e);
        if (span != null) {
            endStatement(span, error);
        }
    }

    @SuppressWarnings("unchecked") // only statementStarted attaches under this key, always an S
    private S span(StatementEvent e) {
        return (S) e.attachment(this);
    }

    @Override
    public final void connectionFailed(ConnectionEvent e, Throwable error) {
        T t = tracer();
        if (t != null) {
            traceConnectionFailure(t, e, error);
        }
    }

    @Override
    public final void configurationApplied(ConfigurationEvent e) {
        if (e.database() != null && e.revision() != null) {
            revisions.put(e.database(), e.revision());
        }
        T t = governanceTracer();
        if (t != null) {
            traceConfiguration(t, e, null);
        }
    }

    @Override
    public final void configurationRejected(ConfigurationEvent e, GovernanceException error) {
        T t = governanceTracer();
        if (t != null) {
            traceConfiguration(t, e, error);
        }
    }

    @Override
    public final void stateChanged(StateEvent e) {
        T t = governanceTracer();
        if (t != null) {
            traceState(t, e);
        }
    }

    private T governanceTracer() {
        return settings.governanceEvents() ? tracer() : null;
    }
}
