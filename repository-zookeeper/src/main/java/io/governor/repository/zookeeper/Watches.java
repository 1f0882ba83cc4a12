package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.WatchListener;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The repository's prefix watches and the thread ({@code governor-<namespace>-watch}) on which
 * they re-read their whole prefix (a new watch, a resync after reconnecting). Single notifications
 * are handled, and delivered, on ZooKeeper's event thread ({@link PrefixWatch}).
 *
 * <p>Thread-safe. {@link #watch} and {@link #resyncAll} block until the watch thread has done the
 * work (or run it inline when called on the watch thread itself, e.g. from a listener).
 */
final class Watches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watches.class);

    private final CuratorFramework client;
    private final Nodes nodes;
    private final String label;
    private final boolean rootNamespace;
    private final Duration timeout;
    private final ExecutorService thread;
    private final Set<PrefixWatch> active = ConcurrentHashMap.newKeySet();
    private volatile Thread watchThread;

    Watches(CuratorFramework client, Nodes nodes, ZooKeeperSettings settings) {
        this.client = client;
        this.nodes = nodes;
        this.label = settings.label();
        this.rootNamespace = settings.namespace().isEmpty();
        // a resync may need a reconnect first: allow for Curator's retries
        this.timeout = settings.connectionTimeout().multipliedBy(settings.retryMaxAttempts() + 2L);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "governor-" + label + "-watch");
            t.setDaemon(true);
            watchThread = t;
            return t;
        });
    }

    String label() {
        return label;
    }

    Nodes nodes() {
        return nodes;
    }

    boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    /** Whether a notified path is a Governor key (not the namespace root, not ZooKeeper's own tree). */
    boolean isKey(String path) {
        return !"/".equals(path) && !(rootNamespace && Paths.isAtOrBelow(path, "/zookeeper"));
    }

    /**
     * Registers the persistent recursive watch, records the current state, then returns.
     *
     * @param keysOnly deliver notifications without reading the node (see {@link PrefixWatch})
     */
    PrefixWatch watch(String prefix, WatchListener listener, boolean keysOnly) throws Exception {
        PrefixWatch w = new PrefixWatch(this, prefix, listener, keysOnly);
        register(w);
        active.add(w);
        try {
            onWatchThread(() -> {
                w.resync(false);
                return null;
            });
        } catch (Exception e) {
            w.close();
            throw e;
        }
        log.debug("[{}] watching {}", label, prefix);
        return w;
    }

    /**
     * After a reconnect or a new session: registers every watch again (a new session has none; in
     * the same session this is a no-op) and emits what each listener missed.
     */
    void resyncAll() throws Exception {
        List<PrefixWatch> all = new ArrayList<>(active);
        for (PrefixWatch w : all) {
            register(w);
        }
        onWatchThread(() -> {
            for (PrefixWatch w : all) {
                w.resync(true);
            }
            return null;
        });
        if (!all.isEmpty()) {
            log.info("[{}] re-synchronised {} watch(es)", label, all.size());
        }
    }

    /** Collects every node holding a value at or below {@code prefix} (watch thread). */
    void walk(String prefix, Map<String, Nodes.Node> into) throws Exception {
        if (!"/".equals(prefix)) {
            Nodes.Node n = nodes.read(prefix);
            if (n == null) {
                return;
            }
            if (n.hasValue()) {
                into.put(prefix, n);
            }
        }
        for (String child : nodes.children(prefix)) {
            walk(Paths.join(prefix, child), into);
        }
    }

    /** The client, for a watch's asynchronous re-reads. */
    CuratorFramework client() {
        return client;
    }

    /** Called by a closing watch: drops it and removes its ZooKeeper watch. */
    void removed(PrefixWatch w) {
        if (!active.remove(w)) {
            return;
        }
        boolean shared = active.stream().anyMatch(o -> o.prefix().equals(w.prefix()));
        try {
            if (shared || !connected()) {
                // another watch needs the server-side watch on this path, or no server to tell
                client.watchers().remove(w).ofType(Watcher.WatcherType.Any).locally().forPath(w.prefix());
            } else {
                client.watchers().remove(w).ofType(Watcher.WatcherType.Any).quietly().forPath(w.prefix());
            }
        } catch (Exception e) {
            log.debug("[{}] removing the ZooKeeper watch on {} failed: {}", label, w.prefix(), e.toString());
        }
    }

    private void register(PrefixWatch w) throws Exception {
        client.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(w).forPath(w.prefix());
    }

    private void onWatchThread(Callable<Void> work) throws Exception {
        if (Thread.currentThread() == watchThread) {
            work.call();
            return;
        }
        Future<Void> f = thread.submit(work); // RejectedExecutionException once closed: the repository reports CLOSED
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new org.apache.zookeeper.KeeperException.OperationTimeoutException();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /** Closes every watch and stops the watch thread, waiting briefly for it. */
    @Override
    public void close() {
        for (PrefixWatch w : new ArrayList<>(active)) {
            w.close();
        }
        thread.shutdownNow();
        if (Thread.currentThread() == watchThread) {
            return; // closed from a listener: the thread ends after this task
        }
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("[{}] watch thread did not stop within 5s", label);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
