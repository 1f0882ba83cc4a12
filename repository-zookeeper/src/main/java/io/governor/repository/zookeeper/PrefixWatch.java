package io.governor.repository.zookeeper;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
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
 * level-triggered: a notification for a path only schedules a re-read of that path on the
 * repository's watch thread, and {@link #resync(boolean)} re-reads the whole prefix and emits the
 * difference (including deletions). Because every read and every delivery happens on that one
 * thread, the listener sees the changes of each key in order, and its view converges to the store.
 *
 * <p>A keys-only watch ({@link io.governor.api.repository.BulkReads#watchKeys}) skips the re-read:
 * a notification is delivered as it comes, without value or version, and the key is remembered as
 * changed but unread, so that a resync reports it again (spuriously, as that contract allows) and
 * never misses it.
 *
 * <p>{@link #seen} is touched only on the watch thread. {@link #close()} is thread-safe.
 */
final class PrefixWatch implements Watch, Watcher {

    private static final Logger log = LoggerFactory.getLogger(PrefixWatch.class);

    /** A value as the listener last saw it. */
    private record Seen(String value, long version) {
    }

    /** A key a keys-only watch was told of but did not read. */
    private static final Seen UNREAD = new Seen(null, -1);

    private final Watches hub;
    private final String prefix;
    private final WatchListener listener;
    private final boolean keysOnly;
    private final NavigableMap<String, Seen> seen = new TreeMap<>();
    private final Object delivery = new Object();
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

    /** ZooKeeper's notification, on ZooKeeper's event thread: only schedules a re-read. */
    @Override
    public void process(WatchedEvent event) {
        if (closed || event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        String path = event.getPath();
        if (hub.isKey(path) && Paths.isAtOrBelow(path, prefix)) {
            if (keysOnly) {
                Event.EventType type = event.getType();
                hub.execute(() -> notified(path, type));
            } else {
                hub.execute(() -> refresh(path));
            }
        }
    }

    /** A keys-only watch's notification, delivered without reading (watch thread). */
    private void notified(String path, Event.EventType type) {
        if (closed) {
            return;
        }
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

    /** Re-reads one path and emits what changed for it (watch thread). */
    void refresh(String path) {
        if (closed || !hub.connected()) {
            return; // the resync after reconnecting catches up
        }
        Nodes.Node n;
        try {
            n = hub.nodes().read(path);
        } catch (Exception e) {
            // the connection is gone; the resync after reconnecting catches up
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", hub.label(), prefix, path, e.toString());
            return;
        }
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
     * listener saw: deletions first (deepest first), then additions and updates in key order.
     */
    void resync(boolean emit) throws Exception {
        if (closed) {
            return;
        }
        Map<String, Nodes.Node> now = new TreeMap<>();
        hub.walk(prefix, now);
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

    private void deliver(ChangeEvent event) {
        synchronized (delivery) {
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
    }

    /** Stops delivery; waits for a delivery in progress on another thread to finish. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (delivery) {
            // an event being delivered on the watch thread has finished once we get here
        }
        hub.removed(this);
    }
}
