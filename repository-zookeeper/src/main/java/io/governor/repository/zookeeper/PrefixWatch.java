package io.governor.repository.zookeeper;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One prefix watch: a ZooKeeper persistent recursive watch whose notifications are turned into
 * {@link ChangeEvent}s by comparing the node's current state with what the listener last saw.
 *
 * <p>ZooKeeper notifications carry no data and are not replayed after a reconnect, so the watch is
 * level-triggered: a notification for a path re-reads that path, and {@link #resync(boolean)}
 * re-reads the whole prefix and emits the difference (including deletions).
 *
 * <p>Threads and order. A notification is handled on ZooKeeper's event thread, where it arrives:
 * the path is re-read asynchronously, and the answer, which ZooKeeper also hands to its event
 * thread, is compared and delivered there. ZooKeeper answers one session's requests in order, and
 * its event thread runs notifications and answers in the order the server sent them, so the
 * listener sees each key's changes in order without a thread of its own in between.
 * {@link #resync} runs on the repository's watch thread with blocking reads; while it runs,
 * notifications are kept and answers of reads sent before it began are not used (the resync reads
 * after them); once it has applied what it read, the kept notifications are handled (re-read) in
 * arrival order. A read that fails (the connection is gone) is dropped: the resync after reconnecting
 * catches up.
 *
 * <p>A keys-only watch ({@link io.governor.api.repository.Repository#watchKeys}) skips the re-read:
 * a notification is delivered on the event thread as it comes, without value or version, and the
 * key is remembered as changed but unread, so that a resync reports it again (spuriously, as that
 * contract allows) and never misses it.
 *
 * <p>Thread-safe: the state is guarded by {@link #lock}. {@link #close()} waits for a delivery in
 * progress on another thread.
 */
final class PrefixWatch implements Watch, Watcher {

    private static final Logger log = LoggerFactory.getLogger(PrefixWatch.class);

    /** A value as the listener last saw it. */
    private record Seen(String value, long version) {
    }

    /** A notification kept while a resync runs. */
    private record Notice(String path, Event.EventType type) {
    }

    /** A key a keys-only watch was told of but did not read. */
    private static final Seen UNREAD = new Seen(null, -1);

    private final Watches hub;
    private final String prefix;
    private final WatchListener listener;
    private final boolean keysOnly;
    /** Guards {@link #seen}, {@link #kept}, {@link #generation} and {@link #resyncing}; held while the listener is called. */
    private final Object lock = new Object();
    private final NavigableMap<String, Seen> seen = new TreeMap<>();
    /** Notifications that came while a resync ran, in arrival order. */
    private final List<Notice> kept = new ArrayList<>();
    /** Grows when a resync begins: an answer to a read sent before it is not used. */
    private long generation;
    /** A resync is running (or the first has not run yet): notifications are kept. */
    private boolean resyncing = true;
    private volatile boolean closed;

    PrefixWatch(Watches hub, String prefix, WatchListener listener, boolean keysOnly) {
        this.hub = hub;
        this.prefix = prefix;
        this.listener = listener;
        this.keysOnly = keysOnly;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    boolean isClosed() {
        return closed;
    }

    /** ZooKeeper's notification, on ZooKeeper's event thread: delivers it or sends the re-read; never blocks. */
    @Override
    public void process(WatchedEvent event) {
        if (closed || event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        String path = event.getPath();
        if (!hub.isKey(path) || !Paths.isAtOrBelow(path, prefix)) {
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
            hub.client().getData().inBackground((client, answer) -> answered(path, sentIn, answer)).forPath(path);
        } catch (Exception e) {
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", hub.label(), prefix, path, e.toString());
        }
    }

    /** The answer to a re-read (event thread): emits what changed for the path. */
    private void answered(String path, long sentIn, CuratorEvent answer) {
        KeeperException.Code code = KeeperException.Code.get(answer.getResultCode());
        if (code != KeeperException.Code.OK && code != KeeperException.Code.NONODE) {
            // the connection is gone; the resync after reconnecting catches up
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", hub.label(), prefix, path, code);
            return;
        }
        long now;
        synchronized (lock) {
            if (closed) {
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
            case NodeCreated, NodeDataChanged -> {
                Seen before = seen.put(path, UNREAD);
                deliver(new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, path, null, -1));
            }
            case NodeDeleted -> {
                Seen before = seen.remove(path);
                deliver(new ChangeEvent(ChangeEvent.Type.DELETED, path, before == null ? null : before.value(),
                        before == null ? -1 : before.version()));
            }
            default -> {
                // persistent recursive watches report only the three above
            }
        }
    }

    /** Emits what changed for one path as read ({@code null}: absent), holding the lock. */
    private void apply(String path, Nodes.Node n) {
        if (n == null || !n.hasValue()) {
            removed(path);
            if (n == null) {
                // a deleted node has no descendants either
                for (String k : new ArrayList<>(seen.tailMap(path + "/", false).headMap(path + "0", false).keySet())) {
                    removed(k);
                }
            }
            return;
        }
        changed(path, n.value(), n.version());
    }

    /**
     * Re-reads the whole prefix (watch thread). With {@code emit} false it only records the state,
     * as the starting point of a new watch; otherwise it emits every difference to what the
     * listener saw: deletions first (deepest first), then additions and updates in key order. Then
     * handles the notifications that came meanwhile.
     */
    void resync(boolean emit) throws Exception {
        if (closed) {
            return;
        }
        synchronized (lock) {
            generation++;
            resyncing = true;
        }
        Map<String, Nodes.Node> now = null;
        List<Notice> missed;
        long sentIn;
        try {
            Map<String, Nodes.Node> read = new TreeMap<>();
            hub.walk(prefix, read);
            now = read;
        } finally {
            // also when the walk failed: notifications are handled again as they come
            synchronized (lock) {
                if (now != null && !closed) {
                    applyAll(now, emit);
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
    }

    private void applyAll(Map<String, Nodes.Node> now, boolean emit) {
        if (!emit) {
            seen.clear();
            now.forEach((k, n) -> seen.put(k, new Seen(n.value(), n.version())));
            return;
        }
        List<String> gone = new ArrayList<>();
        for (String k : seen.descendingKeySet()) {
            if (!now.containsKey(k)) {
                gone.add(k);
            }
        }
        gone.forEach(this::removed);
        now.forEach((k, n) -> changed(k, n.value(), n.version()));
    }

    private void changed(String key, String value, long version) {
        Seen before = seen.get(key);
        if (before != null && before.version() == version) {
            return;
        }
        seen.put(key, new Seen(value, version));
        deliver(new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, key, value, version));
    }

    private void removed(String key) {
        Seen before = seen.remove(key);
        if (before != null) {
            deliver(new ChangeEvent(ChangeEvent.Type.DELETED, key, before.value(), before.version()));
        }
    }

    /** Calls the listener (holding the lock). */
    private void deliver(ChangeEvent event) {
        if (closed) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            log.warn("[{}] watch {}: listener threw on {} {}; delivery goes on", hub.label(), prefix,
                    event.type(), event.key(), e);
        }
    }

    /** Stops delivery; waits for a delivery in progress on another thread to finish. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (lock) {
            // an event being delivered on another thread has finished once we get here
        }
        hub.removed(this);
    }
}
