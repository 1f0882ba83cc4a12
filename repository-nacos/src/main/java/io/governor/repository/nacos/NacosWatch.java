package io.governor.repository.nacos;

import com.alibaba.nacos.api.config.listener.Listener;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.VersionedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One prefix watch on Nacos. It holds a Nacos listener on the value and on the child index of the
 * prefix and of every descendant found through the indexes. A notification only says "look again":
 * the watch re-reads that value or index on the repository's watch thread and compares it with what
 * it last saw, so late, repeated or coalesced notifications (and the client's re-sync after a
 * reconnect) never produce a wrong event. A new name in an index gets listeners and is read at once,
 * so children created after the watch are seen too.
 *
 * <p>Its state is confined to the watch thread. {@link #close()} waits for a delivery in progress
 * (unless called from the listener itself), so no event reaches the listener once it returns.
 */
final class NacosWatch implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(NacosWatch.class);
    private static final long RETRY_MILLIS = 500;

    private final String prefix;
    private final WatchListener listener;
    private final NacosClient client;
    private final DataIds ids;
    private final ScheduledExecutorService executor;
    private final String logName;
    private final Runnable onClose;
    private final Map<String, VersionedValue> known = new HashMap<>();
    private final Map<String, Listener> listeners = new HashMap<>();
    /** The re-read of every listened data id, run again by {@link #resync()}. */
    private final Map<String, Runnable> rechecks = new LinkedHashMap<>();
    private final long resyncMillis;
    private volatile ScheduledFuture<?> resyncTask;
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean closed;

    NacosWatch(String prefix, WatchListener listener, NacosClient client, DataIds ids, ScheduledExecutorService executor,
               String logName, Duration resync, Runnable onClose) {
        this.resyncMillis = resync.toMillis();
        this.prefix = prefix;
        this.listener = listener;
        this.client = client;
        this.ids = ids;
        this.executor = executor;
        this.logName = logName;
        this.onClose = onClose;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    /** Registers the listeners and reads the current state (without events) before returning. */
    void start(boolean onWatchThread) {
        Runnable discover = () -> {
            discover(prefix, false);
            if (!closed) {
                try {
                    resyncTask = executor.scheduleWithFixedDelay(this::resync, resyncMillis, resyncMillis,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // the repository is closing
                }
            }
        };
        if (onWatchThread) {
            discover.run();
            return;
        }
        Future<?> done = executor.submit(discover);
        try {
            done.get();
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof GovernanceException g ? g : new GovernanceException(ErrorCode.INTERNAL,
                    "watch '" + prefix + "' on nacos repository failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            close();
            throw GovernanceException.interrupted("watch '" + prefix + "' on nacos repository", e);
        }
    }

    /** Listens to and reads the value and index of {@code node}, then of its children. */
    private void discover(String node, boolean emit) {
        if (closed) {
            return;
        }
        if (!"/".equals(node) && !listeners.containsKey(ids.value(node))) {
            valueSeen(node, listen(ids.value(node), node, () -> valueChanged(node)), emit);
        }
        if (!listeners.containsKey(ids.index(node))) {
            indexSeen(node, listen(ids.index(node), node, () -> indexChanged(node)), emit);
        }
    }

    /**
     * Reads {@code dataId} and registers a listener against exactly the content read, which is
     * returned: the client then notifies every later change. (Listening first and reading after
     * lost changes: the client's baseline came from its local snapshot, see
     * {@link NacosClient#readAndListen}.) Nothing is registered if the read fails, so a retried
     * discovery listens and reads again.
     */
    private String listen(String dataId, String node, Runnable recheck) {
        NacosClient.Listening l = client.readAndListen(dataId, content -> submit(recheck), node);
        listeners.put(dataId, l.listener());
        rechecks.put(dataId, recheck);
        return l.content();
    }

    /**
     * The safety net behind the client's notifications: re-reads every listened value and index and
     * emits what differs from what the watch last saw. The Nacos client re-listens by itself after a
     * reconnect, but (2.5.1) a listen round in flight when the connection is replaced marks its
     * configurations consistent with the server after the disconnect marked them otherwise, so they
     * are not listened on the new connection until the client's full re-listen (3 minutes); this
     * bounds such a miss to {@code watchResync}. A failed re-read is left to the next round.
     */
    private void resync() {
        for (Runnable recheck : List.copyOf(rechecks.values())) {
            if (closed) {
                return;
            }
            try {
                recheck.run();
            } catch (RuntimeException e) {
                LOG.debug("[{}] watch on '{}': periodic re-read failed, next round retries: {}", logName, prefix,
                        e.getMessage());
                return;
            }
        }
    }

    /**
     * Runs a re-read on the watch thread. A re-read that fails (the server is unreachable) is retried
     * every {@link #RETRY_MILLIS} until it succeeds or the watch closes: the Nacos client does not
     * notify twice for the same content, so giving up would lose the change.
     */
    private void submit(Runnable task) {
        schedule(task, 0);
    }

    private void schedule(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("[{}] watch on '{}' could not re-read after a notification; retrying in {} ms: {}",
                            logName, prefix, RETRY_MILLIS, e.getMessage());
                    schedule(task, RETRY_MILLIS);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the repository is closing
        }
    }

    private void valueChanged(String key) {
        valueChanged(key, true);
    }

    private void valueChanged(String key, boolean emit) {
        if (closed) {
            return;
        }
        valueSeen(key, client.read(ids.value(key), "watch", key), emit);
    }

    private void valueSeen(String key, String stored, boolean emit) {
        VersionedValue now = stored == null ? null : VersionedText.decode(stored);
        VersionedValue before = now == null ? known.remove(key) : known.put(key, now);
        if (!emit) {
            return;
        }
        if (now == null && before != null) {
            deliver(new ChangeEvent(ChangeEvent.Type.DELETED, key, before.value(), before.version()));
        } else if (now != null && !now.equals(before)) {
            ChangeEvent.Type type = before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED;
            deliver(new ChangeEvent(type, key, now.value(), now.version()));
        }
    }

    private void indexChanged(String node) {
        indexChanged(node, true);
    }

    private void indexChanged(String node, boolean emit) {
        if (closed) {
            return;
        }
        indexSeen(node, client.read(ids.index(node), "watch", node), emit);
    }

    private void indexSeen(String node, String stored, boolean emit) {
        for (String child : ChildIndex.parse(stored)) {
            discover(Paths.join(node, child), emit);
        }
    }

    private void deliver(ChangeEvent event) {
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
        ScheduledFuture<?> task = resyncTask;
        if (task != null) {
            task.cancel(false);
        }
        onClose.run();
        Runnable unlisten = () -> {
            listeners.forEach(client::unlisten);
            listeners.clear();
            rechecks.clear();
        };
        try {
            executor.execute(unlisten);
        } catch (RejectedExecutionException e) {
            unlisten.run();
        }
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock();
            delivering.unlock();
        }
    }
}
