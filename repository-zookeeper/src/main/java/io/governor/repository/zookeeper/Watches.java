package io.governor.repository.zookeeper;

import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.WatchSet;
import io.governor.api.repository.support.WatchThread;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * The repository's prefix watches and the thread ({@code governor-<namespace>-watch}) on which
 * they re-read their whole prefix; single notifications are handled on ZooKeeper's event thread
 * ({@link PrefixWatch}). Thread-safe. {@link #watch} and {@link #resyncAll} block until the watch
 * thread has done the work (inline when called on it, e.g. from a listener).
 */
final class Watches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watches.class);

    final Nodes nodes;
    final String label;
    private final CuratorFramework client;
    private final Duration timeout;
    private final WatchThread thread;
    private final WatchSet<PrefixWatch> active = new WatchSet<>();

    Watches(Nodes nodes, ZooKeeperSettings settings) {
        this.nodes = nodes;
        this.label = settings.label();
        this.client = nodes.client;
        // a resync may need a reconnect first: allow for Curator's retries
        this.timeout = settings.connectionTimeout().multipliedBy(settings.retryMaxAttempts() + 2L);
        this.thread = new WatchThread(label);
    }

    /** Registers the persistent recursive watch and records the current state; {@code keysOnly}: see {@link PrefixWatch}. */
    PrefixWatch watch(String prefix, WatchListener listener, boolean keysOnly) throws Exception {
        PrefixWatch w = new PrefixWatch(this, prefix, listener, keysOnly);
        register(w);
        active.open(w, () -> onWatchThread(() -> w.resync(false)));
        log.debug("[{}] watching {}", label, prefix);
        return w;
    }

    /** After a reconnect: registers every watch again (a no-op in the same session) and emits what each listener missed. */
    void resyncAll() throws Exception {
        List<PrefixWatch> all = active.list();
        for (PrefixWatch w : all) {
            register(w);
        }
        int missed = onWatchThread(() -> {
            int n = 0;
            for (PrefixWatch w : all) {
                n += w.resync(true);
            }
            return n;
        });
        if (!all.isEmpty()) {
            log.info("[{}] re-synchronised {} watch(es): {} missed change(s) emitted", label, all.size(), missed);
        }
    }

    /** Called by a closing watch (already out of the active set): removes its ZooKeeper watch. */
    void removed(PrefixWatch w) {
        boolean shared = active.list().stream().anyMatch(o -> o.prefix().equals(w.prefix()));
        try {
            var remove = client.watchers().remove(w).ofType(Watcher.WatcherType.Any);
            // locally when another watch needs the server-side watch on this path, or no server to tell
            (shared || !client.getZookeeperClient().isConnected() ? remove.locally() : remove.quietly()).forPath(w.prefix());
        } catch (Exception e) {
            log.debug("[{}] removing the ZooKeeper watch on {} failed: {}", label, w.prefix(), e.toString());
        }
    }

    private void register(PrefixWatch w) throws Exception {
        client.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(w).forPath(w.prefix());
    }

    /** Runs work on the watch thread: OPERATIONTIMEOUT after the timeout, RejectedExecutionException once closed. */
    private <T> T onWatchThread(Callable<T> work) throws Exception {
        try {
            return thread.call(work, timeout);
        } catch (TimeoutException e) {
            throw new KeeperException.OperationTimeoutException();
        }
    }

    /** Closes every watch and stops the watch thread, waiting briefly for it. */
    @Override
    public void close() {
        active.closeAll();
        thread.close(Duration.ofSeconds(5));
    }
}
