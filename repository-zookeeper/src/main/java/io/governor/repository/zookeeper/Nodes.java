package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * Node-level reads, creates and the pruning of empty parents (writes of values are
 * {@link Transaction}s). A key holds a value when its node's data is non-null (an empty value is
 * zero bytes); parents created on the way hold null data, so {@code get} treats them as absent. A
 * value's version is the node's modification zxid, which grows with every write to the key, across
 * delete and re-create.
 *
 * <p>Throws the raw ZooKeeper/Curator exceptions ({@link Errors} translates them). Thread-safe: it
 * holds only what {@link #readAll} learns of node sizes and listings, in concurrent maps.
 */
final class Nodes {

    private static final Logger log = LoggerFactory.getLogger(Nodes.class);

    /** Attempts of a read-check-write loop before giving up with CONFLICT. */
    static final int MAX_ATTEMPTS = 100;
    /** Most operations in one {@link #atOnce} multi. */
    static final int AT_ONCE_MAX_OPS = 256;
    /** Most bytes of data (as last read) in one {@link #atOnce} multi: a quarter of the client's 1 MiB packets. */
    static final int AT_ONCE_MAX_BYTES = 256 * 1024;
    /** Most sizes and listings remembered; past it they are forgotten and learned again. */
    static final int MAX_REMEMBERED = 4096;

    /** A node as read: data (null for a structural node) with its stat. */
    record Node(byte[] data, Stat stat) {
        boolean hasValue() {
            return data != null;
        }

        /** The value with its version; null for a structural node. */
        VersionedValue value() {
            return data == null ? null : new VersionedValue(new String(data, StandardCharsets.UTF_8), stat.getMzxid());
        }
    }

    final CuratorFramework client;
    /** How long a write may take to resolve a lost answer, and each pipelined read round to be answered. */
    final Duration budget;
    private final boolean rootNamespace;
    /** Data size in bytes of each node readAll last read (0: no data or absent). */
    private final ConcurrentHashMap<String, Integer> sizes = new ConcurrentHashMap<>();
    /** The child paths of each parent readAll last listed, sorted. */
    private final ConcurrentHashMap<String, List<String>> listings = new ConcurrentHashMap<>();

    Nodes(CuratorFramework client, boolean rootNamespace, Duration budget) {
        this.client = client;
        this.rootNamespace = rootNamespace;
        this.budget = budget;
    }

    /** Whether {@code path} is ZooKeeper's own tree ({@code /zookeeper}, seen in the root namespace only). */
    private boolean isZooKeeperTree(String path) {
        return rootNamespace && "/zookeeper".equals(path);
    }

    /** Whether a notified path is a Governor key (not the namespace root, not in ZooKeeper's own tree). */
    boolean isKey(String path) {
        return !"/".equals(path) && !(rootNamespace && Paths.isAtOrBelow(path, "/zookeeper"));
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
        return Optional.ofNullable(n == null ? null : n.value());
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

    /**
     * Every node holding a value at or below {@code prefix}, each read on its own (a watch's resync):
     * not a snapshot.
     */
    void walk(String prefix, Map<String, VersionedValue> into) throws Exception {
        if (!"/".equals(prefix)) {
            Node n = read(prefix);
            if (n == null) {
                return;
            }
            if (n.hasValue()) {
                into.put(prefix, n.value());
            }
        }
        for (String child : children(prefix)) {
            walk(Paths.join(prefix, child), into);
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
     * has read the same nodes before ({@link #atOnce}), otherwise, or when the listing shows the
     * children changed, in two pipelined rounds ({@link #readAllPipelined}). Not a snapshot (ZooKeeper
     * documents no atomicity for a read-only multi): each value is as of its own read. A node that
     * does not exist is left out; any other failure fails the whole read and names the node.
     */
    SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) throws Exception {
        Set<String> wanted = new LinkedHashSet<>(keys);
        Set<String> listed = new LinkedHashSet<>(parents);
        Map<String, List<String>> last = new LinkedHashMap<>();
        listed.forEach(parent -> last.put(parent, listings.get(parent)));
        if (!last.containsValue(null)) {
            List<String> data = new ArrayList<>(wanted);
            data.addAll(children(last, wanted));
            List<OpResult> results = atOnce(data, listed);
            if (results != null) {
                SortedMap<String, VersionedValue> values = new TreeMap<>();
                learned(data, results, values);
                if (listings(listed, results, data.size()).equals(last)) {
                    return values;
                }
                // a child came or went meanwhile: read again in rounds
            }
        }
        return readAllPipelined(wanted, listed);
    }

    /**
     * {@link #readAll} in two pipelined rounds, whatever this client read before: the getData of every
     * key and the getChildren of every parent, then the getData of every child not among the keys.
     */
    SortedMap<String, VersionedValue> readAllPipelined(Set<String> wanted, Set<String> listed) throws Exception {
        List<OpResult> first = pipelined(wanted, listed, Paths.describe(wanted, listed));
        SortedMap<String, VersionedValue> values = new TreeMap<>();
        learned(wanted, first, values);
        Map<String, List<String>> now = listings(listed, first, wanted.size());
        List<String> children = children(now, wanted);
        learned(children, pipelined(children, List.of(), Paths.describe(List.of(), listed)), values);
        if (listings.size() + now.size() > MAX_REMEMBERED) {
            listings.clear();
        }
        listings.putAll(now);
        return values;
    }

    /** The child paths of the listings that are not among {@code wanted}, in listing order. */
    private static List<String> children(Map<String, List<String>> listings, Set<String> wanted) {
        return listings.values().stream().flatMap(List::stream).filter(path -> !wanted.contains(path)).toList();
    }

    /**
     * The one-request read: the getData of every path in {@code data}, then the getChildren of every
     * parent, as one read-only multi; null when it cannot be used. Kept for the re-read every
     * instance makes after every change: 32 % less wall time and 60 % less CPU than the pipelined
     * rounds (ReadAllBench in benchmarks/, issue 21).
     *
     * <p>A multi's answer larger than the client's {@code jute.maxbuffer} (1 MiB) drops the
     * connection, so it is sent only when every node in it was read before and their sizes add up to
     * at most a quarter of that. A connection loss forgets every size and listing: a node that grew
     * past the margin costs one reconnect, after which the pipelined reads (with the client's retry
     * policy) take over.
     */
    private List<OpResult> atOnce(List<String> data, Set<String> listed) throws Exception {
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
        return results;
    }

    /**
     * Sends the getData of every path in {@code data} and the getChildren of every path in
     * {@code listed}, then waits up to the budget for the answers, returned in that order as a multi
     * would (OPERATIONTIMEOUT naming {@code what} if they do not all come).
     */
    private List<OpResult> pipelined(Collection<String> data, Collection<String> listed, String what) throws Exception {
        List<String> paths = new ArrayList<>(data);
        paths.addAll(listed);
        OpResult[] answers = new OpResult[paths.size()];
        CountDownLatch answered = new CountDownLatch(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            int at = i;
            BackgroundCallback done = (c, event) -> {
                answers[at] = event.getResultCode() != KeeperException.Code.OK.intValue()
                        ? new OpResult.ErrorResult(event.getResultCode())
                        : event.getType() == CuratorEventType.GET_DATA ? new OpResult.GetDataResult(event.getData(), event.getStat())
                        : new OpResult.GetChildrenResult(event.getChildren());
                answered.countDown(); // publishes the answer to the waiting thread
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
        return Arrays.asList(answers);
    }

    /** Reads the getData answers of {@code paths} (the first results): remembers sizes, puts values in {@code into}. */
    private void learned(Collection<String> paths, List<OpResult> results, Map<String, VersionedValue> into) throws KeeperException {
        int i = 0;
        for (String path : paths) {
            OpResult.GetDataResult r = answer(path, results.get(i++), OpResult.GetDataResult.class);
            byte[] data = r == null ? null : r.getData();
            if (sizes.size() >= MAX_REMEMBERED) {
                sizes.clear();
            }
            sizes.put(path, data == null ? 0 : data.length);
            if (data != null) {
                into.put(path, new Node(data, r.getStat()).value());
            }
        }
    }

    /** The sorted child paths of each parent, from the getChildren answers from index {@code from}. */
    private Map<String, List<String>> listings(Set<String> listed, List<OpResult> results, int from) throws KeeperException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        int i = from;
        for (String parent : listed) {
            OpResult.GetChildrenResult r = answer(parent, results.get(i++), OpResult.GetChildrenResult.class);
            out.put(parent, (r == null ? List.<String>of() : r.getChildren()).stream().map(name -> Paths.join(parent, name))
                    .filter(path -> !isZooKeeperTree(path)).sorted().toList());
        }
        return out;
    }

    /** An answer of the expected type; an error: NONODE gives null, anything else throws naming the node. */
    private static <T extends OpResult> T answer(String path, OpResult r, Class<T> type) throws KeeperException {
        if (type.isInstance(r)) {
            return type.cast(r);
        }
        int err = r instanceof OpResult.ErrorResult e ? e.getErr() : KeeperException.Code.SYSTEMERROR.intValue();
        KeeperException.Code code = KeeperException.Code.get(err);
        if (code != KeeperException.Code.NONODE) {
            throw KeeperException.create(code == null ? KeeperException.Code.SYSTEMERROR : code, path);
        }
        return null;
    }

    /**
     * Creates a node with its missing parents, storing its stat in {@code stat}; returns its path (with
     * the sequence suffix, if any), or null when it exists. {@code protect}: Curator's protected mode,
     * which finds a create whose answer was lost.
     */
    String create(String key, byte[] data, CreateMode mode, Stat stat, boolean protect) throws Exception {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            var create = client.create().storingStatIn(stat);
            try {
                return (protect ? create.withProtection().withMode(mode) : create.withMode(mode)).forPath(key, data);
            } catch (KeeperException.NodeExistsException e) {
                return null;
            } catch (KeeperException.NoNodeException e) {
                createParents(key);
            }
        }
        throw new KeeperException.NoNodeException(key);
    }

    /** Creates every missing ancestor of {@code key} as a structural node (null data). */
    private void createParents(String key) throws Exception {
        for (int slash = key.indexOf('/', 1); slash > 0; slash = key.indexOf('/', slash + 1)) {
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(key.substring(0, slash), null);
            } catch (KeeperException.NodeExistsException ignored) {
                // there already: fine
            }
        }
    }

    /**
     * Removes the structural (valueless) ancestors of {@code key} that have no children left, each
     * delete guarded by the version read; a parent that gained a child meanwhile stops the walk. Never
     * throws, since it follows a delete that has applied: a failure is logged, an interrupt restored.
     */
    void pruneEmptyParents(String key) {
        try {
            for (String p = Paths.parent(key); !"/".equals(p); p = Paths.parent(p)) {
                Node n = read(p);
                if (n != null && (n.hasValue() || n.stat().getNumChildren() > 0 || n.stat().getEphemeralOwner() != 0)) {
                    return;
                } else if (n != null) {
                    client.delete().withVersion(n.stat().getVersion()).forPath(p);
                }
            }
        } catch (KeeperException.NotEmptyException | KeeperException.BadVersionException
                 | KeeperException.NoNodeException raced) {
            // another writer got there first: the parent stays or is gone already
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("pruning the empty parents of {} after it was deleted failed: {}", key, e.toString());
        }
    }
}
