package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Node-level reads, creates and the pruning of empty parents on the namespaced Curator client.
 * Writes of values are {@link Transaction}s; structural parents are created idempotently with
 * Curator's retries.
 *
 * <p>A key that holds a value is a node whose data is non-null (an empty value is zero bytes).
 * Parents created on the way hold null data: they are structure, not values, so {@code get} treats
 * them as absent. The {@link Node#version() version} of a value is the node's modification zxid,
 * which grows with every write to the key, across delete and re-create.
 *
 * <p>Methods throw the raw ZooKeeper/Curator exceptions; the repository translates them in one
 * place ({@link Errors}). Thread-safe: apart from the client, it holds only what {@link #readAll}
 * learns of node sizes and listings, in concurrent maps, and checks it against what it reads.
 */
final class Nodes {

    /** Attempts of a read-check-write loop before giving up with CONFLICT. */
    static final int MAX_ATTEMPTS = 100;
    /** Most operations in one {@link #readAllAtOnce} multi. */
    static final int AT_ONCE_MAX_OPS = 256;
    /** Most bytes of data (as last read) in one {@link #readAllAtOnce} multi: a quarter of the client's 1 MiB packets. */
    static final int AT_ONCE_MAX_BYTES = 256 * 1024;
    /** Most sizes and listings remembered; past it they are forgotten and learned again. */
    static final int MAX_REMEMBERED = 4096;

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
    /** How long a write may take to resolve a lost answer, and each pipelined read round to be answered. */
    private final Duration budget;
    /** Data size in bytes of each node readAll last read (0: no data or absent). */
    private final ConcurrentHashMap<String, Integer> sizes = new ConcurrentHashMap<>();
    /** The child paths of each parent readAll last listed, sorted. */
    private final ConcurrentHashMap<String, List<String>> listings = new ConcurrentHashMap<>();

    Nodes(CuratorFramework client, boolean rootNamespace, Duration budget) {
        this.client = client;
        this.rootNamespace = rootNamespace;
        this.budget = budget;
    }

    CuratorFramework client() {
        return client;
    }

    /** How long a write may take to resolve a lost answer. */
    Duration budget() {
        return budget;
    }

    /** Whether {@code path} is ZooKeeper's own tree ({@code /zookeeper}, seen in the root namespace only). */
    private boolean isZooKeeperTree(String path) {
        return rootNamespace && "/zookeeper".equals(path);
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
        try {
            return client.getChildren().forPath(key).stream().filter(name -> !isZooKeeperTree(Paths.join(key, name)))
                    .sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /** Direct children that hold values, sorted by name: {@link #readAll} of the one parent. */
    SortedMap<String, VersionedValue> childValues(String key) throws Exception {
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        readAll(List.of(), List.of(key)).forEach((path, v) -> out.put(Paths.name(path), v));
        return out;
    }

    /**
     * Nodes by key and the children with values of parents, by path: in one request when this client
     * has read the same nodes before ({@link #readAllAtOnce}), otherwise, or when the listing shows
     * the children changed, in two pipelined rounds ({@link #readAllPipelined}). Not a snapshot
     * either way (ZooKeeper documents no atomicity for a read-only multi): each value is as of its
     * own read. A node that does not exist (NONODE) is left out; any other failure fails the whole
     * read and names the node.
     */
    SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) throws Exception {
        Set<String> wanted = new LinkedHashSet<>(keys);
        Set<String> listed = new LinkedHashSet<>(parents);
        SortedMap<String, VersionedValue> read = readAllAtOnce(wanted, listed);
        return read != null ? read : readAllPipelined(wanted, listed);
    }

    /**
     * The one-request read, or null when it cannot be used or its listing shows the children changed.
     * Kept for the re-read every instance makes after every change: 32 % less wall time and 60 % less CPU
     * than the pipelined rounds (ReadAllBench in benchmarks/, issue 21).
     *
     * <p>A multi's answer must fit in one packet of at most the client's {@code jute.maxbuffer}
     * (1 MiB); a larger one makes the client drop the connection. So the multi is sent only when
     * every node in it has been read before (its size is in {@link #sizes}) and the sizes add up to
     * at most {@link #AT_ONCE_MAX_BYTES}, a quarter of that limit, with at most {@link #AT_ONCE_MAX_OPS}
     * operations. A connection loss forgets every size and listing, so a node that grew past the
     * margin costs one reconnect, after which the pipelined reads take over; the client's retry
     * policy applies to those, not to the multi.
     */
    private SortedMap<String, VersionedValue> readAllAtOnce(Set<String> wanted, Set<String> listed) throws Exception {
        Map<String, List<String>> lastListings = new LinkedHashMap<>();
        List<String> data = new ArrayList<>(wanted); // every getData: the keys, then the children last listed
        for (String parent : listed) {
            List<String> last = listings.get(parent);
            if (last == null) {
                return null;
            }
            lastListings.put(parent, last);
            last.stream().filter(path -> !wanted.contains(path)).forEach(data::add); // a child asked for as a key is read once
        }
        long bytes = 0;
        for (String path : data) {
            Integer size = sizes.get(path);
            if (size == null) {
                return null;
            }
            bytes += size;
        }
        int count = data.size() + listed.size();
        if (count == 0 || count > AT_ONCE_MAX_OPS || bytes > AT_ONCE_MAX_BYTES) {
            return null;
        }
        String namespace = client.getNamespace();
        List<Op> ops = new ArrayList<>(count);
        data.forEach(path -> ops.add(Op.getData(ZKPaths.fixForNamespace(namespace, path))));
        listed.forEach(parent -> ops.add(Op.getChildren(ZKPaths.fixForNamespace(namespace, parent))));
        List<OpResult> results;
        try {
            results = client.getZookeeperClient().getZooKeeper().multi(ops);
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
            sizes.clear();
            listings.clear();
            return null; // the pipelined reads retry with the client's policy
        }
        if (results.size() != count) {
            throw new IllegalStateException("ZooKeeper answered a multi-read of " + count + " nodes with "
                    + results.size() + " results");
        }
        SortedMap<String, VersionedValue> values = new TreeMap<>();
        for (int i = 0; i < data.size(); i++) {
            OpResult r = results.get(i);
            byte[] bytesRead = r instanceof OpResult.GetDataResult d ? d.getData() : failedOrAbsent(data.get(i), r);
            learned(data.get(i), bytesRead, r instanceof OpResult.GetDataResult d ? d.getStat() : null, values);
        }
        int i = data.size();
        boolean same = true;
        for (Map.Entry<String, List<String>> last : lastListings.entrySet()) {
            OpResult r = results.get(i++);
            List<String> names = r instanceof OpResult.GetChildrenResult c ? c.getChildren() : failedOrAbsent(last.getKey(), r);
            same &= childPaths(last.getKey(), names).equals(last.getValue()); // false: a child came or went meanwhile
        }
        return same ? values : null;
    }

    /** An error result: NONODE gives null, anything else throws naming the node. */
    private static <T> T failedOrAbsent(String path, OpResult r) throws KeeperException {
        int err = r instanceof OpResult.ErrorResult e ? e.getErr() : KeeperException.Code.SYSTEMERROR.intValue();
        KeeperException.Code code = KeeperException.Code.get(err);
        if (code != KeeperException.Code.NONODE) {
            throw KeeperException.create(code == null ? KeeperException.Code.SYSTEMERROR : code, path);
        }
        return null;
    }

    /** The paths of a parent's children (null: none), sorted, without ZooKeeper's own tree at the root. */
    private List<String> childPaths(String parent, List<String> names) {
        return (names == null ? List.<String>of() : names).stream().map(name -> Paths.join(parent, name))
                .filter(path -> !isZooKeeperTree(path)).sorted().toList();
    }

    /**
     * Two pipelined rounds: first the getData of every key and the getChildren of every parent, all
     * sent before the first answer is awaited; then, the same way, the getData of every child
     * (children that are also among the keys are not read twice). Each round waits up to the budget
     * for its last answer, then gives up with OPERATIONTIMEOUT. Records the sizes and listings that
     * let the next read of the same nodes go in one request.
     */
    SortedMap<String, VersionedValue> readAllPipelined(Set<String> wanted, Set<String> listed) throws Exception {
        List<String> keys = List.copyOf(wanted);
        List<CuratorEvent> first = pipelined(keys, listed, Paths.describe(wanted, listed));
        SortedMap<String, VersionedValue> values = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            learned(keys.get(i), first.get(i), values);
        }
        List<String> childPaths = new ArrayList<>();
        Map<String, List<String>> listingsNow = new HashMap<>();
        int i = keys.size();
        for (String parent : listed) {
            CuratorEvent answer = first.get(i++);
            List<String> paths = childPaths(parent, answer == null ? null : answer.getChildren());
            listingsNow.put(parent, paths);
            paths.stream().filter(path -> !wanted.contains(path)).forEach(childPaths::add); // a child asked for as a key is read once
        }
        List<CuratorEvent> second = pipelined(childPaths, List.of(), Paths.describe(List.of(), listed));
        for (int c = 0; c < childPaths.size(); c++) {
            learned(childPaths.get(c), second.get(c), values);
        }
        if (listings.size() + listingsNow.size() > MAX_REMEMBERED) {
            listings.clear();
        }
        listings.putAll(listingsNow);
        return values;
    }

    /**
     * Sends the getData of every path in {@code data} and the getChildren of every path in
     * {@code listed}, all before the first answer is awaited, then waits up to the budget for every
     * answer. Returns the answers in that order, null for a node that does not exist (NONODE).
     *
     * @throws KeeperException any other answer (the first in that order), or OPERATIONTIMEOUT naming {@code what}
     */
    private List<CuratorEvent> pipelined(List<String> data, Collection<String> listed, String what) throws Exception {
        List<String> paths = new ArrayList<>(data);
        paths.addAll(listed);
        CuratorEvent[] answers = new CuratorEvent[paths.size()];
        CountDownLatch answered = new CountDownLatch(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            int at = i;
            BackgroundCallback done = (c, event) -> {
                answers[at] = event; // published to the waiting thread by the latch
                answered.countDown();
            };
            if (i < data.size()) {
                client.getData().inBackground(done).forPath(paths.get(i));
            } else {
                client.getChildren().inBackground(done).forPath(paths.get(i));
            }
        }
        if (!answered.await(budget.toMillis(), TimeUnit.MILLISECONDS)) {
            throw KeeperException.create(KeeperException.Code.OPERATIONTIMEOUT, what);
        }
        for (int i = 0; i < answers.length; i++) {
            KeeperException.Code rc = KeeperException.Code.get(answers[i].getResultCode());
            if (rc == KeeperException.Code.NONODE) {
                answers[i] = null;
            } else if (rc != KeeperException.Code.OK) {
                throw KeeperException.create(rc, paths.get(i));
            }
        }
        return Arrays.asList(answers);
    }

    /** {@link #learned(String, byte[], Stat, Map)} from a getData's answer (null: absent). */
    private void learned(String path, CuratorEvent answer, Map<String, VersionedValue> into) {
        learned(path, answer == null ? null : answer.getData(), answer == null ? null : answer.getStat(), into);
    }

    /**
     * Remembers a node's size for {@link #readAllAtOnce} (no data or absent counts 0) and puts a node
     * with data in {@code into}.
     */
    private void learned(String path, byte[] data, Stat stat, Map<String, VersionedValue> into) {
        if (sizes.size() >= MAX_REMEMBERED) {
            sizes.clear();
        }
        sizes.put(path, data == null ? 0 : data.length);
        if (data != null) {
            into.put(path, new VersionedValue(new String(data, StandardCharsets.UTF_8), stat.getMzxid()));
        }
    }

    /**
     * Creates a node with its missing parents, storing its stat in {@code stat}. Returns false
     * (nothing written) when the node exists. A parent removed concurrently is re-created.
     */
    boolean create(String key, byte[] data, CreateMode mode, Stat stat) throws Exception {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                client.create().storingStatIn(stat).withMode(mode).forPath(key, data);
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
