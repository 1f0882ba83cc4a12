package io.governor.repository.etcd;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Tells connection-state listeners and lock-loss callbacks what happened, in order, on the
 * repository's {@code governor-<namespace>-notify} thread, so a slow or throwing callback never
 * stalls the lease heartbeat. Every state change is also logged at INFO with the namespace and the
 * reason. Thread-safe.
 */
final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final String where;
    private final ExecutorService thread;
    private final List<ConnectionStateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state;

    Notifier(String where, ExecutorService thread) {
        this.where = where;
        this.thread = thread;
    }

    void add(ConnectionStateListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ConnectionStateListener listener) {
        listeners.remove(listener);
    }

    /** The last state reported. */
    ConnectionState state() {
        return state;
    }

    /** Reports {@code next} (logged, then told to every listener on the notify thread). */
    void report(ConnectionState next, String why) {
        state = next;
        LOG.info("[{}] connection state {}: {}", where, next, why);
        run(() -> {
            for (ConnectionStateListener l : listeners) {
                try {
                    l.stateChanged(next);
                } catch (RuntimeException e) {
                    LOG.warn("[{}] connection state listener {} threw on {}; ignored", where, l.getClass().getName(), next, e);
                }
            }
        });
    }

    /** Runs a callback on the notify thread; a throwing callback is logged. Dropped after close. */
    void run(Runnable callback) {
        try {
            thread.execute(() -> {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.warn("[{}] callback threw; ignored", where, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] repository closed; callback dropped", where);
        }
    }
}
