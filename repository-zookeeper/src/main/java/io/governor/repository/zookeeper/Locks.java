package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.support.FencedLease;
import io.governor.api.repository.support.HeldLeases;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The lock recipe and the leases this repository holds. Each attempt creates an ephemeral-sequential
 * node {@code /locks/{name}/_c_<uuid>-lease-N} (Curator's protected mode finds a create whose answer
 * was lost). The lowest sequence holds the lock; every other contender watches its predecessor. Each
 * new holder's node was created after every earlier holder's, so its creation zxid, the fencing
 * token, is strictly greater.
 *
 * <p>A lease ends released ({@link FencedLease#close()}) or lost with the session
 * ({@link #sessionLost()}, on the state thread, which runs the lost-callbacks); either way its node
 * is deleted. Thread-safe.
 */
final class Locks {

    private static final Logger log = LoggerFactory.getLogger(Locks.class);
    private static final String PREFIX = "lease-";

    private final CuratorFramework client;
    private final Nodes nodes;
    private final String label;
    private final HeldLeases held = new HeldLeases();

    Locks(Nodes nodes, String label) {
        this.client = nodes.client;
        this.nodes = nodes;
        this.label = label;
    }

    /** One attempt, waiting until {@code deadlineNanos} ({@link System#nanoTime()}); null on timeout (node removed). */
    FencedLease acquire(String name, long deadlineNanos) throws Exception {
        String dir = Paths.join("/locks", name);
        String node = null;
        Stat created = null;
        try {
            while (true) {
                if (node == null) { // first, or our node went with a lost session: queue (again)
                    created = new Stat(); // receives the node's stat when the create's answer arrives
                    node = nodes.create(Paths.join(dir, PREFIX), null, CreateMode.EPHEMERAL_SEQUENTIAL, created, true);
                }
                long epoch = held.epoch();
                List<String> queue = sorted(nodes.children(dir));
                int idx = queue.indexOf(Paths.name(node));
                FencedLease lease = idx == 0 ? granted(name, node, created, epoch) : null;
                if (lease != null) {
                    return lease;
                }
                if (idx <= 0) {
                    node = null;
                    continue;
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    withdraw(node, true);
                    return null;
                }
                CountDownLatch changed = new CountDownLatch(1);
                Watcher watcher = event -> changed.countDown();
                String predecessor = Paths.join(dir, queue.get(idx - 1));
                if (client.checkExists().usingWatcher(watcher).forPath(predecessor) != null
                        && !changed.await(remaining, TimeUnit.NANOSECONDS)) {
                    forget(watcher, predecessor); // a watch that fired is gone already: removing it costs a round trip
                }
            }
        } catch (Exception e) {
            withdraw(node, false);
            throw e;
        }
    }

    /**
     * Our node heads the queue: the lock is ours, its fencing token the node's creation zxid. Only when
     * the create's answer was lost (no stat) is the node read, which also checks that it is still there.
     */
    private FencedLease granted(String name, String node, Stat created, long epoch) throws Exception {
        long czxid = created.getCzxid();
        if (czxid == 0) {
            Stat stat = client.checkExists().forPath(node);
            if (stat == null) {
                return null;
            }
            czxid = stat.getCzxid();
        }
        // lost at once if the session went while we were granted: never hand out a valid lease for it
        FencedLease lease = held.grant(name, czxid, epoch, (l, released) -> ended(l, node, released));
        log.debug("[{}] lock '{}' acquired, fencing token {}", label, name, lease.fencingToken());
        return lease;
    }

    /** The lock nodes, sorted by their sequence suffix (the protected-mode prefix is random). */
    private static List<String> sorted(List<String> children) {
        return children.stream().filter(c -> c.contains(PREFIX))
                .sorted(Comparator.comparing((String c) -> c.substring(c.length() - 10))).toList();
    }

    private void forget(Watcher watcher, String path) {
        try {
            client.watchers().remove(watcher).ofType(Watcher.WatcherType.Any).locally().quietly().forPath(path);
        } catch (Exception e) {
            log.debug("[{}] removing a lock watcher on {} failed: {}", label, path, e.toString());
        }
    }

    /**
     * Deletes a lock node. With {@code now} (a timed-out attempt, a released lease) and a connection,
     * before returning, so that a try made right after does not find it ahead in the queue: blocks for
     * one round trip. Otherwise, or when that fails, Curator's guaranteed delete retries it in the
     * background until the connection allows it. Never throws.
     */
    private void withdraw(String node, boolean now) {
        if (node == null) {
            return;
        }
        try {
            var delete = client.delete().quietly().guaranteed();
            if (now && client.getZookeeperClient().isConnected()) {
                delete.forPath(node); // a failure that a retry may cure is handed to the background
            } else {
                delete.inBackground().forPath(node);
            }
        } catch (Exception e) {
            log.debug("[{}] removing lock node {} failed (it goes with the session): {}", label, node, e.toString());
        }
    }

    /** A lease ended: its node is deleted, also after a loss (Curator may give up on a session that survived). */
    private void ended(FencedLease lease, String node, boolean released) {
        if (released) {
            withdraw(node, true); // close() returns with the lock free for the next taker
            log.debug("[{}] lock '{}' released", label, lease.name());
        } else {
            withdraw(node, false); // on the state thread, which must not block
            log.warn("[{}] lock '{}' lost with its session (fencing token {})", label, lease.name(), lease.fencingToken());
        }
    }

    /** The session is gone (or Curator believes so): every held lease is lost; its callbacks run on this thread. */
    void sessionLost() {
        held.loseAll().forEach(Runnable::run);
    }

    /** Releases every held lease (repository close). */
    void releaseAll() {
        held.closeAll();
    }
}
