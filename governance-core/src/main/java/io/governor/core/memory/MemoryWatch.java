package io.governor.core.memory;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered prefix watch of a {@link MemoryRepository}. Events are handed to it on the client's
 * dispatcher thread; it drops those from revisions at or before its registration and everything
 * after {@link #close()}. Delivery and close synchronize on the watch, so once close returns no
 * event is delivered (close from inside the listener returns at once: the monitor is reentrant).
 */
final class MemoryWatch implements Watch {

    private static final Logger log = LoggerFactory.getLogger(MemoryWatch.class);

    private final MemoryRepository owner;
    private final String prefix;
    private final WatchListener listener;
    private final long since;
    private boolean closed; // guarded by this

    MemoryWatch(MemoryRepository owner, String prefix, WatchListener listener, long since) {
        this.owner = owner;
        this.prefix = prefix;
        this.listener = listener;
        this.since = since;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    /** Delivers {@code event} of store revision {@code revision} if it is for this watch. Dispatcher thread only. */
    synchronized void deliver(long revision, ChangeEvent event, String label) {
        if (closed || revision <= since || !Paths.isAtOrBelow(event.key(), prefix)) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            log.warn("[{}] watch listener on '{}' failed on {} {}; delivery goes on", label, prefix, event.type(), event.key(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        owner.removeWatch(this);
    }

    @Override
    public String toString() {
        return "watch on '" + prefix + "'";
    }
}
