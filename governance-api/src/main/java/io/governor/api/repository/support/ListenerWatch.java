package io.governor.api.repository.support;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Watch} that hands events to its listener one at a time and keeps the close contract:
 * once {@link #close()} returns, the listener receives no further event; an event whose delivery
 * had begun on another thread finishes first, and a close from within the listener itself returns
 * at once (it does not wait for its own delivery).
 *
 * <p>A backend calls {@link #deliver} from its watch thread, in order per key; events for keys
 * outside the prefix are dropped, so a backend may hand every watch every event. What the listener
 * throws is logged at WARN and delivery goes on. A backend that holds resources for the watch (a
 * server-side watch, a stream, listeners of a client) extends this class and releases them in
 * {@link #onClose()}.
 *
 * <p>Thread-safe; closing twice is harmless. {@link #close()} blocks only while a delivery in
 * progress on another thread finishes.
 */
public class ListenerWatch implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerWatch.class);

    private final String label;
    private final String prefix;
    private final WatchListener listener;
    private final ReentrantLock delivering = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable unregister = () -> { };

    /**
     * @param label    the repository's namespace, for log messages
     * @param prefix   the watched key, or {@code /}
     * @param listener receives the events
     */
    public ListenerWatch(String label, String prefix, WatchListener listener) {
        this.label = label;
        this.prefix = prefix;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public final String prefix() {
        return prefix;
    }

    /** Whether {@link #close()} has been called. */
    public final boolean isClosed() {
        return closed.get();
    }

    /**
     * Hands {@code event} to the listener unless the watch is closed or the key is outside the
     * prefix. A null event (what {@link PrefixView} returns for no change) is skipped.
     */
    public final void deliver(ChangeEvent event) {
        if (event == null || isClosed() || !Paths.isAtOrBelow(event.key(), prefix)) {
            return;
        }
        delivering.lock();
        try {
            if (!isClosed()) {
                listener.onEvent(event);
            }
        } catch (RuntimeException e) {
            LOG.warn("[{}] watch listener on '{}' threw on {} of '{}'; delivery goes on", label, prefix, event.type(),
                    event.key(), e);
        } finally {
            delivering.unlock();
        }
    }

    /** Delivers each event in turn, as {@link #deliver(ChangeEvent)}. */
    public final void deliver(Iterable<ChangeEvent> events) {
        for (ChangeEvent event : events) {
            deliver(event);
        }
    }

    /**
     * Stops delivery, leaves the {@link WatchSet} it was added to, waits for a delivery in progress
     * on another thread, then calls {@link #onClose()}. Only the first call does anything.
     */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        unregister.run();
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock(); // a delivery in progress has finished once we hold it
            delivering.unlock();
        }
        try {
            onClose();
        } catch (RuntimeException e) {
            LOG.debug("[{}] releasing the watch on '{}' failed: {}", label, prefix, e.toString());
        }
    }

    /** Releases what the backend holds for this watch; called once, by the first {@link #close()}. No-op here. */
    protected void onClose() {
    }

    /** The repository's namespace, for log messages. */
    protected final String label() {
        return label;
    }

    void unregister(Runnable action) {
        this.unregister = action;
    }

    @Override
    public String toString() {
        return "watch on '" + prefix + "'";
    }
}
