package io.governor.repository.zookeeper;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.ListenerWatch;
import io.governor.api.repository.support.PrefixView;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One prefix watch: a ZooKeeper persistent recursive watch whose notifications become
 * {@link ChangeEvent}s by comparing what is read with what the listener last saw ({@link PrefixView}).
 * Notifications carry no data and are not replayed after a reconnect, so the watch is
 * level-triggered: a notification re-reads its path, and {@link #resync} re-reads the whole prefix
 * and emits the difference, deletions included.
 *
 * <p>Threads and order. A notification is re-read asynchronously and the answer compared and
 * delivered on ZooKeeper's event thread, which runs notifications and answers in the order the
 * server sent them: each key's changes reach the listener in order with no thread in between.
 * {@link #resync} runs on the repository's watch thread with blocking reads; meanwhile notifications
 * are kept, and answers to reads sent before it are not used; afterwards the kept ones are re-read
 * in arrival order. A failed read is dropped: the resync after reconnecting catches up.
 *
 * <p>A keys-only watch ({@link io.governor.api.repository.BulkReads#watchKeys}) skips the re-read:
 * a notification is delivered as it comes, without value, and the key recorded as unread
 * ({@link PrefixView#touched}) so that a resync reports it again rather than missing it.
 *
 * <p>Thread-safe: the state is guarded by {@link #lock}, held while the listener is called.
 */
final class PrefixWatch extends ListenerWatch implements Watcher {

    private static final Logger log = LoggerFactory.getLogger(PrefixWatch.class);

    /** A notification kept while a resync runs ({@code type} null: an answer to re-read). */
    private record Notice(String path, Event.EventType type) {
    }

    private final Watches hub;
    private final boolean keysOnly;
    private final PrefixView view;
    /** Guards {@link #kept}, {@link #generation}, {@link #resyncing} and the order of deliveries. */
    private final Object lock = new Object();
    /** Notifications that came while a resync ran, in arrival order. */
    private final List<Notice> kept = new ArrayList<>();
    /** Grows when a resync begins: an answer to a read sent before it is not used. */
    private long generation;
    /** A resync is running (or the first has not run yet): notifications are kept. */
    private boolean resyncing = true;

    PrefixWatch(Watches hub, String prefix, WatchListener listener, boolean keysOnly) {
        super(hub.label, prefix, listener);
        this.hub = hub;
        this.keysOnly = keysOnly;
        this.view = new PrefixView(prefix);
    }

    /** ZooKeeper's notification, on ZooKeeper's event thread: delivers it or sends the re-read; never blocks. */
    @Override
    public void process(WatchedEvent event) {
        if (isClosed() || event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        String path = event.getPath();
        if (!hub.nodes.isKey(path) || !Paths.isAtOrBelow(path, prefix())) {
            return;
        }
        long sentIn;
        synchronized (lock) {
            if (resyncing) {
                kept.add(new Notice(path, event.getType()));
                return;
            }
            if (keysOnly) {
                notified(path, event.getType());
                return;
            }
            sentIn = generation;
        }
        reread(path, sentIn);
    }

    /** Sends an asynchronous read of {@code path}; its answer comes to {@link #answered} on the event thread. */
    private void reread(String path, long sentIn) {
        try {
            hub.nodes.client.getData().inBackground((client, answer) -> answered(path, sentIn, answer)).forPath(path);
        } catch (Exception e) {
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", label(), prefix(), path, e.toString());
        }
    }

    /** The answer to a re-read (event thread): emits what changed for the path. */
    private void answered(String path, long sentIn, CuratorEvent answer) {
        KeeperException.Code code = KeeperException.Code.get(answer.getResultCode());
        if (code != KeeperException.Code.OK && code != KeeperException.Code.NONODE) {
            // the connection is gone; the resync after reconnecting catches up
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", label(), prefix(), path, code);
            return;
        }
        long now;
        synchronized (lock) {
            if (isClosed()) {
                return;
            }
            if (resyncing) {
                kept.add(new Notice(path, null));
                return;
            }
            if (sentIn == generation) {
                apply(path, code == KeeperException.Code.OK ? new Nodes.Node(answer.getData(), answer.getStat()) : null);
                return;
            }
            now = generation; // sent before the last resync: read again, after it
        }
        reread(path, now);
    }

    /** A keys-only watch's notification, delivered without reading (holding the lock). */
    private void notified(String path, Event.EventType type) {
        switch (type) {
            case NodeCreated, NodeDataChanged -> deliver(view.touched(path));
            case NodeDeleted -> deliver(view.deleted(path));
            default -> {
                // persistent recursive watches report only the three above
            }
        }
    }

    /** Emits what changed for one path as read ({@code null}: absent), holding the lock. */
    private void apply(String path, Nodes.Node n) {
        if (n == null) {
            deliver(view.removeSubtree(path)); // a deleted node has no descendants either
        } else {
            deliver(n.hasValue() ? view.put(path, n.value()) : view.remove(path));
        }
    }

    /**
     * Re-reads the whole prefix (watch thread) and emits every difference to what the listener saw
     * ({@link PrefixView#replace}), or with {@code emit} false only records it (a new watch's start);
     * then handles the notifications that came meanwhile. Returns the number of events emitted.
     */
    int resync(boolean emit) throws Exception {
        if (isClosed()) {
            return 0;
        }
        synchronized (lock) {
            generation++;
            resyncing = true;
        }
        Map<String, VersionedValue> now = null;
        int emitted = 0;
        List<Notice> missed;
        long sentIn;
        try {
            Map<String, VersionedValue> read = new TreeMap<>();
            hub.nodes.walk(prefix(), read);
            now = read;
        } finally {
            // also when the walk failed: notifications are handled again as they come
            synchronized (lock) {
                if (now != null && !isClosed()) {
                    if (emit) {
                        List<ChangeEvent> events = view.replace(now);
                        deliver(events);
                        emitted = events.size();
                    } else {
                        view.reset(now);
                    }
                }
                if (keysOnly) {
                    kept.forEach(k -> notified(k.path(), k.type()));
                    missed = List.of();
                } else {
                    missed = new ArrayList<>(kept);
                }
                kept.clear();
                resyncing = false;
                sentIn = generation;
            }
        }
        for (Notice m : missed) {
            reread(m.path(), sentIn);
        }
        return emitted;
    }

    /** Removes the ZooKeeper watch. */
    @Override
    protected void onClose() {
        hub.removed(this);
    }
}
