package io.governor.repository.zookeeper;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.ListenerWatch;
import io.governor.api.repository.support.PrefixView;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One prefix watch: a ZooKeeper persistent recursive watch whose notifications are turned into
 * {@link ChangeEvent}s by comparing the node's current state with what the listener last saw (its
 * {@link PrefixView}).
 *
 * <p>ZooKeeper notifications carry no data and are not replayed after a reconnect, so the watch is
 * level-triggered: a notification for a path only schedules a re-read of that path on the
 * repository's watch thread, and {@link #resync(boolean)} re-reads the whole prefix and emits the
 * difference (including deletions). Because every read and every delivery happens on that one
 * thread, the listener sees the changes of each key in order, and its view converges to the store.
 *
 * <p>A keys-only watch ({@link io.governor.api.repository.Repository#watchKeys}) skips the re-read:
 * a notification is delivered as it comes, without value or version, and the key is remembered as
 * changed but unread ({@link PrefixView#touched}), so that a resync reports it again (spuriously,
 * as that contract allows) and never misses it.
 *
 * <p>The view is touched only on the watch thread. {@link #close()} is thread-safe.
 */
final class PrefixWatch extends ListenerWatch implements Watcher {

    private static final Logger log = LoggerFactory.getLogger(PrefixWatch.class);

    private final Watches hub;
    private final boolean keysOnly;
    private final PrefixView view;

    PrefixWatch(Watches hub, String prefix, WatchListener listener, boolean keysOnly) {
        super(hub.label(), prefix, listener);
        this.hub = hub;
        this.keysOnly = keysOnly;
        this.view = new PrefixView(prefix);
    }

    /** ZooKeeper's notification, on ZooKeeper's event thread: only schedules a re-read. */
    @Override
    public void process(WatchedEvent event) {
        if (isClosed() || event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        String path = event.getPath();
        if (hub.isKey(path) && Paths.isAtOrBelow(path, prefix())) {
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
        switch (type) {
            case NodeCreated, NodeDataChanged -> deliver(view.touched(path));
            case NodeDeleted -> deliver(view.deleted(path));
            default -> {
                // persistent recursive watches report only the three above
            }
        }
    }

    /** Re-reads one path and emits what changed for it (watch thread). */
    void refresh(String path) {
        if (isClosed() || !hub.connected()) {
            return; // the resync after reconnecting catches up
        }
        Nodes.Node n;
        try {
            n = hub.nodes().read(path);
        } catch (Exception e) {
            // the connection is gone; the resync after reconnecting catches up
            log.debug("[{}] watch {}: re-reading {} failed, waiting for resync: {}", label(), prefix(), path, e.toString());
            return;
        }
        if (n == null) {
            deliver(view.removeSubtree(path)); // a deleted node has no descendants either
        } else if (!n.hasValue()) {
            deliver(view.remove(path));
        } else {
            deliver(view.put(path, new VersionedValue(n.value(), n.version())));
        }
    }

    /**
     * Re-reads the whole prefix (watch thread). With {@code emit} false it only records the state,
     * as the starting point of a new watch; otherwise it emits every difference to what the
     * listener saw (see {@link PrefixView#replace}).
     *
     * @return how many events it emitted
     */
    int resync(boolean emit) throws Exception {
        if (isClosed()) {
            return 0;
        }
        Map<String, VersionedValue> now = new TreeMap<>();
        hub.walk(prefix(), now);
        if (!emit) {
            view.reset(now);
            return 0;
        }
        List<ChangeEvent> missed = view.replace(now);
        deliver(missed);
        return missed.size();
    }

    /** Removes the ZooKeeper watch. */
    @Override
    protected void onClose() {
        hub.removed(this);
    }
}
