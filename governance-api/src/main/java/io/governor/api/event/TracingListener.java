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

    private static final int MAX_SUMMARY_LENGTH = 1024;

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

    /**
     * Ends a span this listener started: marked failed with {@code error} first (its message, type
     * and, for an {@link java.sql.SQLException}, the SQL state) unless that is null.
     */
    protected abstract void endSpan(S span, Throwable error);

    /** Starts the span of a failed {@code getConnection()}; it is ended at once, failed with the error. */
    protected abstract S startConnectionFailure(T tracer, ConnectionEvent event);

    /**
     * Starts the span of an applied ({@code error} null) or rejected configuration; it is ended at
     * once, failed with the error if there is one. Carries {@link #summary(ConfigurationEvent)}.
     */
    protected abstract S startConfiguration(T tracer, ConfigurationEvent event, GovernanceException error);

    /**
     * Starts the span, named {@link #spanName(StateEvent.Kind)}, of a state change; it is ended at
     * once. A loss ({@link #loss(StateEvent)} not null) is marked failed on it.
     */
    protected abstract S startState(T tracer, StateEvent event);

    /** The name of the span of a state change of this kind. */
    protected static String spanName(StateEvent.Kind kind) {
        return switch (kind) {
            case INSTANCE -> "governor.instance.state";
            case DATA_SOURCE -> "governor.datasource.state";
            case CONNECTION -> "governor.center.connection";
            case LOCK -> "governor.lock";
        };
    }

    /** What was lost, when the state change is a loss (a lock or a center connection {@code LOST}), else null. */
    protected static String loss(StateEvent e) {
        if (!"LOST".equals(e.state())) {
            return null;
        }
        return switch (e.kind()) {
            case LOCK -> "lock lost";
            case CONNECTION -> "center connection lost";
            default -> null;
        };
    }

    /** The summary of a configuration change as its span carries it: cut at 1024 characters; null if none. */
    protected static String summary(ConfigurationEvent e) {
        return SqlText.cap(e.summary(), MAX_SUMMARY_LENGTH);
    }

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
            endSpan(span, null);
        }
    }

    @Override
    public final void statementFailed(StatementEvent e, Throwable error) {
        S span = span(e);
        if (span != null) {
            endSpan(span, error);
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
            endSpan(startConnectionFailure(t, e), error);
        }
    }

    @Override
    public final void configurationApplied(ConfigurationEvent e) {
        if (e.database() != null && e.revision() != null) {
            revisions.put(e.database(), e.revision());
        }
        T t = governanceTracer();
        if (t != null) {
            endSpan(startConfiguration(t, e, null), null);
        }
    }

    @Override
    public final void configurationRejected(ConfigurationEvent e, GovernanceException error) {
        T t = governanceTracer();
        if (t != null) {
            endSpan(startConfiguration(t, e, error), error);
        }
    }

    @Override
    public final void stateChanged(StateEvent e) {
        T t = governanceTracer();
        if (t != null) {
            endSpan(startState(t, e), null);
        }
    }

    private T governanceTracer() {
        return settings.governanceEvents() ? tracer() : null;
    }
}
