package io.governor.repository.zookeeper;

import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.support.GuardedWrite;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link io.governor.api.repository.Repository#commit commit} as one ZooKeeper {@code multi}; put
 * and compare-and-set are commits of one put (after one check).
 *
 * <p>The plan reads every node it touches, evaluates the checks on what it read, then turns each
 * write into operations guarded by the versions read: {@code check} for a value condition,
 * {@code create} for every missing parent and new key, {@code setData} for an overwrite (an
 * ephemeral node is replaced by a persistent one: a put makes a key persistent), {@code delete} for
 * every node of a removed subtree, deepest first. "Key is absent" becomes a create-and-delete of the
 * key inside the multi. If anything changed since the reads, ZooKeeper rejects the whole multi and
 * the plan is made again from fresh reads: nothing is half-applied, races are retried.
 *
 * <p>The multi is sent as ZooKeeper's side of a {@link GuardedWrite}, on the raw handle, because
 * Curator's retry loop would resend a request whose answer was lost and take the resend's failed
 * guard for a refusal. A lost answer is resolved by re-reading the planned nodes after a
 * {@code sync}: ZooKeeper runs a session's requests in order and refuses those of a moved session,
 * so once the sync is answered the lost copy can no longer apply.
 *
 * <p>Not thread-safe; one instance per commit. The static methods are thread-safe and block up to
 * {@link Nodes#budget} for a lost answer's resolution.
 */
final class Transaction implements GuardedWrite.Backend {

    /** The failures after which a request sent may or may not have applied. */
    private static final Set<KeeperException.Code> LOST = EnumSet.of(KeeperException.Code.CONNECTIONLOSS,
            KeeperException.Code.SESSIONEXPIRED, KeeperException.Code.SESSIONMOVED,
            KeeperException.Code.OPERATIONTIMEOUT, KeeperException.Code.REQUESTTIMEOUT);

    private final CuratorFramework client;
    private final Nodes nodes;
    private final Map<String, Planned> state = new HashMap<>();
    /** The planned multi, guarded by the versions read. */
    final List<CuratorOp> ops = new ArrayList<>();
    /** Every node read and every key written, for resolving a lost answer. */
    final GuardedWrite written = new GuardedWrite().versionGuarded();
    /** Whether {@link #send()} has reached a connection once: from then on a failure may be a lost answer. */
    private boolean sentOnce;

    /** What the plan believes about one node: as read, then as changed by the planned operations. */
    private static final class Planned {
        boolean exists;
        boolean ephemeral;
        int version;
        String value;
        TreeSet<String> children; // null until needed
    }

    private Transaction(Nodes nodes) {
        this.client = nodes.client;
        this.nodes = nodes;
    }

    /**
     * Commits {@code operations} atomically. An outcome decided from reads alone (a check fails, or
     * there is nothing to change) is confirmed by planning again after a {@code sync}, since the
     * server this client reads from may lag the leader: a commit never answers false, or does nothing,
     * from a state already changed by a write acknowledged before the call.
     *
     * @return false if a check failed (nothing written)
     * @throws KeeperException.BadVersionException when concurrent writers kept winning for
     *         {@link Nodes#MAX_ATTEMPTS} rounds
     * @throws GuardedWrite.Unknown when the multi's answer was lost and the nodes do not tell whether it applied
     */
    static boolean commit(Nodes nodes, List<Operation> operations) throws Exception {
        boolean synced = false;
        for (int attempt = 0; attempt < Nodes.MAX_ATTEMPTS; attempt++) {
            Transaction t = planned(nodes, operations);
            if (t == null || t.ops.isEmpty()) {
                if (synced) {
                    return t != null;
                }
                // decided from reads alone (e.g. a delete of an absent key): confirm after a sync, see above
                sync(nodes.client, nodes.budget.toNanos());
                synced = true;
                continue;
            }
            if (!t.written.send(t, nodes.budget.toNanos())) {
                continue; // a guard refused it, something changed since the reads: plan again
            }
            operations.stream().filter(op -> op instanceof Operation.Delete)
                    .forEach(d -> nodes.pruneEmptyParents(d.key())); // never throws: the write has applied
            return true;
        }
        throw new KeeperException.BadVersionException(operations.get(0).key());
    }

    /** One plan of {@code operations} from fresh reads; null when a check fails on them. */
    static Transaction planned(Nodes nodes, List<Operation> operations) throws Exception {
        Transaction t = new Transaction(nodes);
        return t.plan(operations) ? t : null;
    }

    /** A node as {@link GuardedWrite} compares it; null for an absent node. */
    static GuardedWrite.Node observed(byte[] data, Stat stat) {
        return stat == null ? null
                : new GuardedWrite.Node(data, stat.getCzxid(), stat.getMzxid(), stat.getVersion(), stat.getPzxid());
    }

    /**
     * {@link GuardedWrite}'s one send: the planned multi on the raw handle. A failed guard is
     * {@code REFUSED}; no connection or a lost answer after the first send is {@code LOST}; without a
     * connection for the first send, CONNECTIONLOSS is thrown (nothing sent), and a first send that had
     * to wait for the connection is {@code REFUSED} without sending (the plan is made again).
     */
    @Override
    public GuardedWrite.Sent send() throws Exception {
        boolean wasConnected = client.getZookeeperClient().isConnected();
        if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            if (!sentOnce) {
                throw new KeeperException.ConnectionLossException(); // nothing sent
            }
            return GuardedWrite.Sent.LOST;
        }
        if (!wasConnected && !sentOnce) {
            // nothing sent, and the reads are as old as the disconnection: a node deleted and created again
            // meanwhile has its version again, so the guards would not see it; plan again from fresh reads
            return GuardedWrite.Sent.REFUSED;
        }
        sentOnce = true;
        try {
            client.getZookeeperClient().getZooKeeper().multi(ops.stream().map(CuratorOp::get).toList());
            return GuardedWrite.Sent.APPLIED;
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                 | KeeperException.NoNodeException | KeeperException.NotEmptyException refused) {
            return GuardedWrite.Sent.REFUSED;
        } catch (KeeperException e) {
            if (LOST.contains(e.code())) {
                return GuardedWrite.Sent.LOST;
            }
            throw e;
        }
    }

    /** After a sync, the current state of each node (absent ones left out); waits for a connection to the deadline. */
    @Override
    public Map<String, GuardedWrite.Node> readAgain(Collection<String> paths, long deadline) throws Exception {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no connection within the write's budget of " + nodes.budget.toMillis()
                        + " ms");
            }
            try {
                sync(client, left);
                Map<String, GuardedWrite.Node> out = new LinkedHashMap<>();
                for (String path : paths) {
                    Nodes.Node n = nodes.read(path);
                    if (n != null) {
                        out.put(path, observed(n.data(), n.stat()));
                    }
                }
                return out;
            } catch (KeeperException e) {
                if (!LOST.contains(e.code())) {
                    throw e;
                }
                // lost again: wait for the next connection
            }
        }
    }

    /**
     * Makes this client's server catch up with the leader: later reads see every write acknowledged
     * before. CONNECTIONLOSS when no connection comes within Curator's connection timeout.
     */
    private static void sync(CuratorFramework client, long timeoutNanos) throws Exception {
        if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            throw new KeeperException.ConnectionLossException();
        }
        String root = ZKPaths.fixForNamespace(client.getNamespace(), "/");
        CompletableFuture<Integer> done = new CompletableFuture<>();
        client.getZookeeperClient().getZooKeeper().sync(root, (rc, p, ctx) -> done.complete(rc), null);
        int rc = done.get(timeoutNanos, TimeUnit.NANOSECONDS);
        if (rc != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc), root);
        }
    }

    private boolean plan(List<Operation> operations) throws Exception {
        for (Operation op : operations) {
            if (op instanceof Operation.Check c && !check(c)) {
                return false;
            }
        }
        for (Operation op : operations) {
            if (op instanceof Operation.Put p) {
                put(p.key(), p.value());
            } else if (op instanceof Operation.Delete d) {
                delete(d.key());
            }
        }
        return true;
    }

    private boolean check(Operation.Check c) throws Exception {
        Planned n = node(c.key());
        String current = n.exists ? n.value : null;
        if (!Objects.equals(current, c.expectedValue())) {
            return false;
        }
        if (n.exists) {
            ops.add(client.transactionOp().check().withVersion(n.version).forPath(c.key()));
            return true;
        }
        // "absent": create and delete the key (and missing parents) in the multi: NodeExists if it appeared
        List<String> created = missingAncestors(c.key());
        created.add(c.key());
        for (String p : created) {
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(p, null));
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            ops.add(client.transactionOp().delete().withVersion(0).forPath(created.get(i)));
        }
        return true;
    }

    private void put(String key, String value) throws Exception {
        written.writes(key, Nodes.bytes(value));
        Planned n = node(key);
        if (n.exists && !n.ephemeral) {
            ops.add(client.transactionOp().setData().withVersion(n.version).forPath(key, Nodes.bytes(value)));
            n.version++;
            n.value = value;
            return;
        }
        if (n.exists) { // a put makes a key persistent, as on every backend: replace the ephemeral node
            ops.add(client.transactionOp().delete().withVersion(n.version).forPath(key));
            n.ephemeral = false;
        }
        for (String a : n.exists ? List.<String>of() : missingAncestors(key)) { // an existing node's ancestors exist
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(a, null));
            planned(a, true, null);
        }
        ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(key, Nodes.bytes(value)));
        planned(key, true, value);
    }

    private void delete(String key) throws Exception {
        Planned n = node(key);
        if (!n.exists) {
            return;
        }
        for (String child : new ArrayList<>(children(key))) {
            delete(Paths.join(key, child));
        }
        ops.add(client.transactionOp().delete().withVersion(n.version).forPath(key));
        written.writes(key, null);
        planned(key, false, null);
    }

    /** Records what the planned operations leave at {@code key}: a new node holding {@code value}, or none. */
    private void planned(String key, boolean exists, String value) throws Exception {
        Planned n = node(key);
        n.exists = exists;
        n.version = 0;
        n.value = value;
        n.children = new TreeSet<>();
        String parent = Paths.parent(key);
        if (!"/".equals(parent) && exists) {
            children(parent).add(Paths.name(key));
        } else if (!"/".equals(parent)) {
            children(parent).remove(Paths.name(key));
        }
    }

    private Planned node(String path) throws Exception {
        Planned n = state.get(path);
        if (n == null) {
            n = new Planned();
            Nodes.Node read = nodes.read(path);
            written.planned(path, read == null ? null : observed(read.data(), read.stat()));
            if (read != null) {
                n.exists = true;
                n.ephemeral = read.stat().getEphemeralOwner() != 0;
                n.version = read.stat().getVersion();
                n.value = read.hasValue() ? read.value().value() : null;
            }
            state.put(path, n);
            if (read == null && !"/".equals(path)) {
                // An absent node that is absent again may have been created by a lost copy and deleted
                // by another writer since: only its parent's child revision (pzxid) shows that, so the
                // parent is planned too, the namespace root included.
                node(Paths.parent(path));
            }
        }
        return n;
    }

    private TreeSet<String> children(String path) throws Exception {
        Planned n = node(path);
        if (n.children == null) {
            n.children = n.exists ? new TreeSet<>(nodes.children(path)) : new TreeSet<>();
        }
        return n.children;
    }

    /** The ancestors of {@code key} that do not exist as planned, from the top down (read from the bottom up). */
    private List<String> missingAncestors(String key) throws Exception {
        List<String> out = new ArrayList<>();
        for (String p = Paths.parent(key); !"/".equals(p); p = Paths.parent(p)) {
            if (!node(p).exists) {
                out.add(0, p);
            }
        }
        return out;
    }
}
