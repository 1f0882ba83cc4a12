package io.governor.core.jdbc;

import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StatementEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Calls the listeners' JDBC methods, catching and logging whatever a listener throws. Callers check
 * {@link #enabled} first, so that without listeners no event object is created at all.
 *
 * <p>Immutable and thread-safe.
 */
final class JdbcEvents {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEvents.class);

    /**
     * Whether any listener observes JDBC ({@link GovernanceListener#observesJdbc()}); when false none
     * of the other methods is called.
     */
    final boolean enabled;
    private final String logPrefix;
    private final GovernanceListener[] listeners;

    JdbcEvents(String logPrefix, List<GovernanceListener> listeners) {
        this.logPrefix = logPrefix;
        this.listeners = listeners.stream().filter(JdbcEvents::observesJdbc).toArray(GovernanceListener[]::new);
        this.enabled = this.listeners.length > 0;
    }

    private static boolean observesJdbc(GovernanceListener l) {
        try {
            return l.observesJdbc();
        } catch (RuntimeException | LinkageError t) {
            LOG.warn("listener {} threw from observesJdbc(); it gets no JDBC events", l.getClass().getName(), t);
            return false;
        }
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
