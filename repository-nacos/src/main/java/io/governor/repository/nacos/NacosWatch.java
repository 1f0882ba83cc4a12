package io.governor.repository.nacos;

import com.alibaba.nacos.api.config.listener.Listener;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.VersionedText;
import io.governor.api.repository.support.ListenerWatch;
import io.governor.api.repository.support.PrefixView;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * One prefix watch on Nacos. It holds a Nacos listener on the value and on the child index of the
 * prefix and of every descendant found through the indexes. A notification only says "look again":
 * the watch re-reads that value or index on the repository's watch thread and compares it with what
 * it last saw (its {@link PrefixView}), so late, repeated or coalesced notifications (and the
 * client's re-sync after a reconnect) never produce a wrong event. A new name in an index gets
 * listeners and is read at once, so children created after the watch are seen too.
 *
 * <p>Its state is confined to the watch thread. {@link #close()} waits for a delivery in progress
 * (unless called from the listener itself), so no event reaches the listener once it returns.
 */
final class NacosWatch extends ListenerWatch {

    private static final Logger LOG = LoggerFactory.getLogger(NacosWatch.class);
    private static final Duration RETRY = Duration.ofMillis(500);

    private final NacosClient client;
    private final DataIds ids;
    private final WatchThread thread;
    private final Duration resyncPeriod;
    private final PrefixView view;
    private final Map<String, Listener> listeners = new HashMap<>();
    /** The re-read of every listened data id, run again by {@link #resync()}. */
    private final Map<String, Runnable> rechecks = new LinkedHashMap<>();
    private volatile ScheduledFuture<?> resyncTask;

    NacosWatch(String prefix, WatchListener listener, NacosClient client, DataIds ids, WatchThread thread,
               String logName, Duration resync) {
        super(logName, prefix, listener);
        this.client = client;
        this.ids = ids;
        this.thread = thread;
        this.resyncPeriod = resync;
        this.view = new PrefixView(prefix);
    }

    /** Registers the listeners and reads the current state (without events) on the watch thread, then returns. */
    void start() {
        try {
            thread.call(() -> {
                discover(prefix(), false);
                if (!isClosed()) {
                    resyncTask = thread.repeat(this::resync, resyncPeriod);
                }
                return null;
            }, null);
        } catch (GovernanceException | RejectedExecutionException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            close();
            throw GovernanceException.interrupted("watch '" + prefix() + "' on nacos repository", e);
        } catch (Exception e) {
            close();
            throw new GovernanceException(ErrorCode.INTERNAL, "watch '" + prefix() + "' on nacos repository failed: " + e, e);
        }
    }

    /** Listens to and reads the value and index of {@code node}, then of its children. */
    private void discover(String node, boolean emit) {
        if (isClosed()) {
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
        NacosClient.Listening l = client.readAndListen(dataId, content -> schedule(recheck, Duration.ZERO), node);
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
            if (isClosed()) {
                return;
            }
            try {
                recheck.run();
            } catch (RuntimeException e) {
                LOG.debug("[{}] watch on '{}': periodic re-read failed, next round retries: {}", label(), prefix(),
                        e.getMessage());
                return;
            }
        }
    }

    /**
     * Runs a re-read on the watch thread. A re-read that fails (the server is unreachable) is retried
     * every {@link #RETRY} until it succeeds or the watch closes: the Nacos client does not notify
     * twice for the same content, so giving up would lose the change.
     */
    private void schedule(Runnable task, Duration delay) {
        if (isClosed()) {
            return;
        }
        thread.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("[{}] watch on '{}' could not re-read after a notification; retrying in {} ms: {}", label(),
                        prefix(), RETRY.toMillis(), e.getMessage());
                schedule(task, RETRY);
            }
        }, delay);
    }

    private void valueChanged(String key) {
        if (!isClosed()) {
            valueSeen(key, client.read(ids.value(key), "watch", key), true);
        }
    }

    private void valueSeen(String key, String stored, boolean emit) {
        ChangeEvent event = stored == null ? view.remove(key) : view.put(key, VersionedText.decode(stored));
        if (emit) {
            deliver(event);
        }
    }

    private void indexChanged(String node) {
        if (!isClosed()) {
            indexSeen(node, client.read(ids.index(node), "watch", node), true);
        }
    }

    private void indexSeen(String node, String stored, boolean emit) {
        for (String child : ChildIndex.parse(stored)) {
            discover(Paths.join(node, child), emit);
        }
    }

    /** Stops the periodic re-read and removes the Nacos listeners (on the watch thread, after work in flight). */
    @Override
    protected void onClose() {
        ScheduledFuture<?> task = resyncTask;
        if (task != null) {
            task.cancel(false);
        }
        thread.execute(() -> {
            listeners.forEach(client::unlisten);
            listeners.clear();
            rechecks.clear();
        });
    }
}
