package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Node-level reads and writes on the namespaced Curator client. Every write is a single atomic
 * ZooKeeper request guarded by a version or by create's own "must not exist" rule; races with
 * other writers are retried, never papered over with exists-then-create.
 *
 * <p>A key that holds a value is a node whose data is non-null (an empty value is zero bytes).
 * Parents created on the way hold null data: they are structure, not values, so {@code get} treats
 * them as absent. The {@link Node#version() version} of a value is the node's modification zxid,
 * which grows with every write to the key, across delete and re-create.
 *
 * <p>Methods throw the raw ZooKeeper/Curator exceptions; the repository translates them in one
 * place ({@link Errors}). Thread-safe (stateless apart from the client).
 */
final class Nodes {

    /** Attempts of a read-check-write loop before giving up with CONFLICT. */
    static final int MAX_ATTEMPTS = 100;

    /** A node as read: data (null for a structural node) with its stat. */
    record Node(byte[] data, Stat stat) {
        boolean hasValue() {
            return data != null;
        }

        String value() {
            return data == null ? null : new String(data, StandardCharsets.UTF_8);
        }

        long version() {
            return stat.getMzxid();
        }
    }

    private final CuratorFramework client;
    private final boolean rootNamespace;

    Nodes(CuratorFramework client, boolean rootNamespace) {
        this.client = client;
        this.rootNamespace = rootNamespace;
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a node, or null if it does not exist. */
    Node read(String path) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            return new Node(data, stat);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    Optional<VersionedValue> get(String key) throws Exception {
        Node n = read(key);
        return n == null || !n.hasValue() ? Optional.empty() : Optional.of(new VersionedValue(n.value(), n.version()));
    }

    /** Direct children, sorted; empty when the node does not exist. */
    List<String> children(String key) throws Exception {
        List<String> names;
        try {
            names = new ArrayList<>(client.getChildren().forPath(key));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        if (rootNamespace && "/".equals(key)) {
            names.remove("zookeeper"); // ZooKeeper's own tree, not a Governor key
        }
        Collections.sort(names);
        return names;
    }

    /**
     * Direct children that hold values, sorted by name. ZooKeeper has no multi-read: the getData
     * requests are all sent before the first answer is awaited (pipelined on the one connection, in
     * the background with the client's retry policy), so the call costs about one round trip plus
     * the server's work instead of one round trip per child. A child deleted after the listing is
     * left out; any other failure fails the whole read.
     *
     * @param timeout how long to wait for the last answer before giving up with OPERATIONTIMEOUT
     */
    SortedMap<String, VersionedValue> childValues(String key, Duration timeout) throws Exception {
        List<String> names = children(key);
        ConcurrentHashMap<String, VersionedValue> values = new ConcurrentHashMap<>();
        AtomicReference<KeeperException> failure = new AtomicReference<>();
        CountDownLatch answered = new CountDownLatch(names.size());
        for (String name : names) {
            String path = Paths.join(key, name);
            client.getData().inBackground((c, event) -> {
                try {
                    KeeperException.Code rc = KeeperException.Code.get(event.getResultCode());
                    if (rc == KeeperException.Code.OK) {
                        if (event.getData() != null) {
                            values.put(name, new VersionedValue(new String(event.getData(), StandardCharsets.UTF_8),
                                    event.getStat().getMzxid()));
                        }
                    } else if (rc != KeeperException.Code.NONODE) {
                        failure.compareAndSet(null, KeeperException.create(rc, path));
                    }
                } finally {
                    answered.countDown();
                }
            }).forPath(path);
        }
        if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw KeeperException.create(KeeperException.Code.OPERATIONTIMEOUT, key);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new TreeMap<>(values);
    }

    /** Creates or overwrites a persistent node, creating parents. */
    void put(String key, byte[] data) throws Exception {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                client.setData().withVersion(-1).forPath(key, data);
                return;
            } catch (KeeperException.NoNodeException absent) {
                if (create(key, data, CreateMode.PERSISTENT)) {
                    return;
                }
            }
        }
        throw new KeeperException.BadVersionException(key);
    }

    /**
     * Creates a node with its missing parents. Returns false (nothing written) when the node exists.
     * A parent removed concurrently is re-created.
     */
    boolean create(String key, byte[] data, CreateMode mode) throws Exception {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                client.create().withMode(mode).forPath(key, data);
                return true;
            } catch (KeeperException.NodeExistsException e) {
                return false;
            } catch (KeeperException.NoNodeException e) {
                createParents(key);
            }
        }
        throw new KeeperException.NoNodeException(key);
    }

    /** Creates every missing ancestor of {@code key} as a structural node (null data). */
    void createParents(String key) throws Exception {
        String path = "";
        List<String> segments = Paths.segments(key);
        for (int i = 0; i < segments.size() - 1; i++) {
            path = path + "/" + segments.get(i);
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, null);
            } catch (KeeperException.NodeExistsException ignored) {
                // there already: fine
            }
        }
    }

    /**
     * Replaces the value if it equals {@code expected}; with null {@code expected} creates the key
     * only if it holds no value. Read, compare, then write guarded by the data version read.
     *
     * @return whether the value was written
     */
    boolean compareAndSet(String key, String expected, byte[] data) throws Exception {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Node n = read(key);
            if (n == null) {
                if (expected != null) {
                    return false;
                }
                if (create(key, data, CreateMode.PERSISTENT)) {
                    return true;
                }
                continue; // created concurrently: compare again
            }
            if (!Objects.equals(n.value(), expected)) {
                return false;
            }
            try {
                client.setData().withVersion(n.stat().getVersion()).forPath(key, data);
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                // changed or removed since the read: compare again
            }
        }
        throw new KeeperException.BadVersionException(key);
    }

    /** Deletes a node and its subtree, then structural ancestors left empty. Absent is fine. */
    void deleteRecursive(String key) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                client.delete().quietly().deletingChildrenIfNeeded().forPath(key);
                break;
            } catch (KeeperException.NotEmptyException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e; // children keep appearing
                }
            }
        }
        pruneEmptyParents(key);
    }

    /**
     * Removes the structural (valueless) ancestors of {@code key} that have no children left, so a
     * deleted subtree leaves no empty directories behind. Each delete is guarded by the version read,
     * and a parent that gained a child meanwhile stops the walk (NotEmpty).
     */
    void pruneEmptyParents(String key) throws Exception {
        for (String p = Paths.parent(key); !"/".equals(p); p = Paths.parent(p)) {
            Node n = read(p);
            if (n == null) {
                continue;
            }
            if (n.hasValue() || n.stat().getNumChildren() > 0 || n.stat().getEphemeralOwner() != 0) {
                return;
            }
            try {
                client.delete().withVersion(n.stat().getVersion()).forPath(p);
            } catch (KeeperException.NotEmptyException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException raced) {
                return;
            }
        }
    }
}
