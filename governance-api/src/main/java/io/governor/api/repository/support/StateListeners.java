package io.governor.api.repository.support;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A repository's connection-state listeners, and the one ordered lane on which they hear about
 * changes: every {@link #report} is logged at INFO with the repository's label and the reason,
 * then told to each listener through the delivery executor given at construction. The executor
 * must run tasks one at a time in submission order (a single thread, or the caller itself when
 * the caller already is the repository's one state thread); {@link #run} queues other callbacks,
 * such as lost-lease callbacks, on the same lane, so they are ordered with the states.
 *
 * <p>Thread-safe. A listener or callback that throws is logged and ignored; once the executor
 * rejects tasks (the repository closed) they are dropped.
 */
public final class StateListeners {

    private static final Logger log = LoggerFactory.getLogger(StateListeners.class);

    private final String label;
    private final Executor delivery;
    private final List<ConnectionStateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state;

    /**
     * @param label    the repository's label, for log messages
     * @param delivery runs deliveries one at a time, in order
     */
    public StateListeners(String label, Executor delivery) {
        this.label = label;
        this.delivery = Objects.requireNonNull(delivery, "delivery");
    }

    /** Adds a listener; it hears the states reported from now on. */
    public void add(ConnectionStateListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void remove(ConnectionStateListener listener) {
        listeners.remove(listener);
    }

    /** The state reported last, or null before the first report. */
    public ConnectionState state() {
        return state;
    }

    /** Logs {@code next} with the reason and tells every listener, on the delivery lane. */
    public void report(ConnectionState next, String why) {
        state = next;
        log.info("[{}] connection state {}: {}", label, next, why);
        run(() -> {
            for (ConnectionStateListener l : listeners) {
                try {
                    l.stateChanged(next);
                } catch (RuntimeException e) {
                    log.warn("[{}] connection state listener {} threw on {}; ignored", label, l.getClass().getName(), next, e);
                }
            }
        });
    }

    /** Runs {@code callback} on the delivery lane, after every state reported before. */
    public void run(Runnable callback) {
        try {
            delivery.execute(() -> {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    log.warn("[{}] callback threw; ignored", label, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("[{}] repository closed; callback dropped", label);
        }
    }
}
