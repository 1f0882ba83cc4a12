package io.governor.core.jdbc;

import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StatementEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Calls the JDBC methods of the listeners that observe JDBC, catching and logging whatever a
 * listener throws. Callers check {@link #enabled} first, so that without observers no event object
 * is created at all. Which listeners observe is decided by {@link JdbcRuntime} (it asks
 * {@link GovernanceListener#observesJdbc()}); a connection keeps the instance it was opened with.
 *
 * <p>Immutable and thread-safe.
 */
final class JdbcEvents {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEvents.class);

    /** Whether any listener observes JDBC; when false none of the other methods is called. */
    final boolean enabled;
    private final String logPrefix;
    private final GovernanceListener[] listeners;

    /** Events delivered to {@code observers}, in that order. */
    JdbcEvents(String logPrefix, List<GovernanceListener> observers) {
        this.logPrefix = logPrefix;
        this.listeners = observers.toArray(GovernanceListener[]::new);
        this.enabled = this.listeners.length > 0;
    }

    /** Whether {@code l} is one of the observers. */
    boolean delivers(GovernanceListener l) {
        for (GovernanceListener o : listeners) {
            if (o == l) {
                return true;
            }
        }
        return false;
    }

    void connectionStarted(ConnectionEvent e) {
        for (GovernanceListener l : listeners) {
            try {
                l.connectionStarted(e);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "connectionStarted", t);
            }
        }
    }

    void connectionEnded(ConnectionEvent e) {
        for (GovernanceListener l : listeners) {
            try {
                l.connectionEnded(e);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "connectionEnded", t);
            }
        }
    }

    void connectionFailed(ConnectionEvent e, Throwable error) {
        for (GovernanceListener l : listeners) {
            try {
                l.connectionFailed(e, error);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "connectionFailed", t);
            }
        }
    }

    void statementStarted(StatementEvent e) {
        for (GovernanceListener l : listeners) {
            try {
                l.statementStarted(e);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "statementStarted", t);
            }
        }
    }

    void statementEnded(StatementEvent e) {
        for (GovernanceListener l : listeners) {
            try {
                l.statementEnded(e);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "statementEnded", t);
            }
        }
    }

    void statementFailed(StatementEvent e, Throwable error) {
        for (GovernanceListener l : listeners) {
            try {
                l.statementFailed(e, error);
            } catch (RuntimeException | LinkageError t) {
                threw(l, "statementFailed", t);
            }
        }
    }

    private void threw(GovernanceListener l, String method, Throwable t) {
        LOG.warn("{} listener {} threw from {}; ignored", logPrefix, l.getClass().getName(), method, t);
    }
}
