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
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
        List<String> paths = new ArrayList<>();
        for (String name : children(key)) {
            paths.add(Paths.join(key, name));
        }
        Pipeline data = new Pipeline(paths.size());
        ConcurrentHashMap<String, VersionedValue> values = new ConcurrentHashMap<>();
        for (String path : paths) {
            data.getData(path, values);
        }
        data.await(timeout, key);
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        values.forEach((path, v) -> out.put(Paths.name(path), v));
        return out;
    }

    /**
     * Nodes by key and the children with values of parents, in two pipelined rounds: first the
     * getData of every key and the getChildren of every parent, all sent before the first answer is
     * awaited; then, the same way, the getData of every child (children that are also among the keys
     * are not read twice). Not a snapshot: each value is as of its own read. A node that does not
     * exist (NONODE) is left out; any other failure fails the whole read and names the node.
     *
     * @param timeout how long each round waits for its last answer before giving up with OPERATIONTIMEOUT
     * @return every node found, by path, sorted
     */
    SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents, Duration timeout)
            throws Exception {
        Set<String> wanted = new LinkedHashSet<>(keys);
        Set<String> listed = new LinkedHashSet<>(parents);
        ConcurrentHashMap<String, VersionedValue> values = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, List<String>> children = new ConcurrentHashMap<>();
        Pipeline first = new Pipeline(wanted.size() + listed.size());
        for (String key : wanted) {
            first.getData(key, values);
        }
        for (String parent : listed) {
            first.getChildren(parent, children);
        }
        first.await(timeout, Paths.describe(keys, parents));
        List<String> childPaths = new ArrayList<>();
        children.forEach((parent, names) -> {
            for (String name : names) {
                String path = Paths.join(parent, name);
                if (!wanted.contains(path) && !(rootNamespace && "/zookeeper".equals(path))) {
                    childPaths.add(path);
                }
            }
        });
        Pipeline second = new Pipeline(childPaths.size());
        for (String path : childPaths) {
            second.getData(path, values);
        }
        second.await(timeout, Paths.describe(List.of(), listed));
        return new TreeMap<>(values);
    }

    /**
     * Background reads sent at once and awaited together. An answer other than OK or NONODE is
     * remembered (the first one) and thrown by {@link #await}; NONODE leaves the node out.
     */
    private final class Pipeline {
        private final CountDownLatch answered;
        private final AtomicReference<KeeperException> failure = new AtomicReference<>();

        Pipeline(int requests) {
            this.answered = new CountDownLatch(requests);
        }

        /** Sends a getData; a node with a value lands in {@code into} by path. */
        void getData(String path, Map<String, VersionedValue> into) throws Exception {
            client.getData().inBackground((c, event) -> answer(path, event.getResultCode(), () -> {
                if (event.getData() != null) {
                    into.put(path, new VersionedValue(new String(event.getData(), StandardCharsets.UTF_8),
                            event.getStat().getMzxid()));
                }
            })).forPath(path);
        }

        /** Sends a getChildren; the names land in {@code into} by the parent's path. */
        void getChildren(String path, Map<String, List<String>> into) throws Exception {
            client.getChildren().inBackground((c, event) -> answer(path, event.getResultCode(),
                    () -> into.put(path, event.getChildren()))).forPath(path);
        }

        private void answer(String path, int resultCode, Runnable onOk) {
            try {
                KeeperException.Code rc = KeeperException.Code.get(resultCode);
                if (rc == KeeperException.Code.OK) {
                    onOk.run();
                } else if (rc != KeeperException.Code.NONODE) {
                    failure.compareAndSet(null, KeeperException.create(rc, path));
                }
            } finally {
                answered.countDown();
            }
        }

        /** Waits for every answer; throws the first failure, or OPERATIONTIMEOUT naming {@code what}. */
        void await(Duration timeout, String what) throws Exception {
            if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw KeeperException.create(KeeperException.Code.OPERATIONTIMEOUT, what);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        }
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
