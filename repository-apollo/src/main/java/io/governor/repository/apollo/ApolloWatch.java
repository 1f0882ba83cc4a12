package io.governor.repository.apollo;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One prefix watch. Events are handed to it on the repository's watch thread; {@link #close()}
 * waits for a delivery in progress (unless called from the listener itself), so no event reaches
 * the listener once close returns. Thread-safe.
 */
final class ApolloWatch implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(ApolloWatch.class);

    private final String prefix;
    private final WatchListener listener;
    private final Runnable onClose;
    private final String logName;
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean closed;

    ApolloWatch(String prefix, WatchListener listener, Runnable onClose, String logName) {
        this.prefix = prefix;
        this.listener = listener;
        this.onClose = onClose;
        this.logName = logName;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    void deliver(ChangeEvent event) {
        if (closed || !Paths.isAtOrBelow(event.key(), prefix)) {
            return;
        }
        delivering.lock();
        try {
            if (!closed) {
                listener.onEvent(event);
            }
        } catch (RuntimeException e) {
            LOG.warn("[{}] watch listener on '{}' threw on {} of '{}'; delivery goes on", logName, prefix,
                    event.type(), event.key(), e);
        } finally {
            delivering.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock();
            delivering.unlock();
        }
    }
}
