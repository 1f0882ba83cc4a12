package io.governor.repository.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.data.Stat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a guarded write (one {@code multi}) so that its outcome is always known or said to be unknown,
 * never guessed.
 *
 * <p>Curator's retry loop resends a request whose answer was lost; when the server had applied it, the
 * resend fails its own guard ({@code BADVERSION}, {@code NODEEXISTS}) and the write looks refused. So
 * writes go out here, once per connection, on the raw handle. When the answer is lost (connection
 * loss, session expiry or move) this class waits for a connection, {@code sync}s and reads every node
 * the write was planned on ({@link Plan}), then decides:
 * <ul>
 *   <li><b>not applied</b>: every node is as planned (same modification zxid and child zxid, or still
 *       absent): the write is sent again; its guards make sure at most one of the two copies applies.
 *       ZooKeeper runs a session's requests in order and refuses those of a session that moved to
 *       another server, so once the sync is answered the lost copy can no longer apply;</li>
 *   <li><b>applied</b>: every key it puts holds the value it put and every key it deletes is gone;</li>
 *   <li><b>refused</b>: a node it overwrites under a version guard was written exactly once since the
 *       plan, with other data: the guard of the lost copy cannot hold any more;</li>
 *   <li>otherwise <b>unknown</b>: {@link Unknown}, which the repository reports as
 *       {@code OUTCOME_UNKNOWN}.</li>
 * </ul>
 * Caveat, documented in docs/spi.md: another client that wrote exactly the same values from the same
 * planned state is indistinguishable from this one, and the write is then counted as applied.
 *
 * <p>Thread-safe; blocks up to the budget given at construction for a resolution.
 */
final class Writes {

    /** What became of a write. */
    enum Outcome { APPLIED, REFUSED }

    /** A lost answer that reading the nodes could not resolve. */
    static final class Unknown extends Exception {
        private static final long serialVersionUID = 1L;

        Unknown(String path, String why, Throwable cause) {
            super("the answer to the write of " + path + " was lost and " + why, cause);
        }
    }

    /**
     * What a write was planned on and what it means to do: for every node read while planning, its
     * stat (null: absent); for every key written, the data put (null: deleted); and the version each
     * overwritten node is guarded by.
     */
    static final class Plan {
        private final Map<String, Stat> read = new LinkedHashMap<>();
        private final Map<String, byte[]> writes = new LinkedHashMap<>();

        /** Records a node as read for the plan; {@code stat} null when it does not exist. */
        Plan read(String path, Stat stat) {
            read.putIfAbsent(path, stat);
            return this;
        }

        /** Records that the write leaves {@code data} at {@code path} (null: deletes it). */
        Plan writes(String path, byte[] data) {
            writes.put(path, data);
            return this;
        }

        String first() {
            return writes.isEmpty() ? read.keySet().stream().findFirst().orElse("/") : writes.keySet().iterator().next();
        }
    }

    private final CuratorFramework client;
    private final Duration budget;

    Writes(CuratorFramework client, Duration budget) {
        this.client = client;
        this.budget = budget;
    }

    /**
     * Sends {@code ops} as one multi and returns whether it applied; a refusal by one of its guards
     * ({@code BADVERSION}, {@code NODEEXISTS}, {@code NONODE}, {@code NOTEMPTY}) is {@code REFUSED}.
     *
     * @throws Unknown when the answer was lost and the nodes do not tell
     * @throws KeeperException any other failure; nothing was applied when it comes before the first send
     */
    Outcome send(List<CuratorOp> ops, Plan plan) throws Exception {
        List<Op> raw = new ArrayList<>(ops.size());
        for (CuratorOp op : ops) {
            raw.add(op.get());
        }
        long deadline = System.nanoTime() + budget.toNanos();
        if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            throw new KeeperException.ConnectionLossException(); // nothing sent
        }
        KeeperException lost;
        try {
            return attempt(raw);
        } catch (KeeperException e) {
            if (!isLost(e)) {
                throw e;
            }
            lost = e;
        }
        boolean refused = false;
        while (true) {
            Decision d = resolve(plan, deadline, lost);
            if (d != Decision.SEND_AGAIN) {
                return d == Decision.APPLIED ? Outcome.APPLIED : Outcome.REFUSED;
            }
            if (refused) {
                return Outcome.REFUSED; // refused on the very state it was planned on
            }
            try {
                if (attempt(raw) == Outcome.APPLIED) {
                    return Outcome.APPLIED;
                }
                refused = true; // by our own lost copy, or by another writer: the nodes tell which
            } catch (KeeperException e) {
                if (!isLost(e)) {
                    throw e;
                }
                lost = e;
                refused = false;
            }
        }
    }

    private Outcome attempt(List<Op> ops) throws Exception {
        if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            throw new KeeperException.ConnectionLossException();
        }
        try {
            client.getZookeeperClient().getZooKeeper().multi(ops);
            return Outcome.APPLIED;
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                 | KeeperException.NoNodeException | KeeperException.NotEmptyException refused) {
            return Outcome.REFUSED;
        }
    }

    static boolean isLost(KeeperException e) {
        return switch (e.code()) {
            case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT, REQUESTTIMEOUT -> true;
            default -> false;
        };
    }

    private enum Decision { APPLIED, REFUSED, SEND_AGAIN }

    private Decision resolve(Plan plan, long deadline, KeeperException lost) throws Exception {
        Map<String, Node> now;
        try {
            now = readWhenConnected(plan, deadline);
        } catch (KeeperException | TimeoutException e) {
            throw new Unknown(plan.first(), "ZooKeeper could not be read again to find out (" + e + ")", lost);
        }
        boolean unchanged = true;
        for (Map.Entry<String, Stat> r : plan.read.entrySet()) {
            if (!same(r.getValue(), now.get(r.getKey()))) {
                unchanged = false;
                break;
            }
        }
        if (unchanged) {
            return Decision.SEND_AGAIN;
        }
        boolean applied = true;
        for (Map.Entry<String, byte[]> w : plan.writes.entrySet()) {
            Node n = now.get(w.getKey());
            boolean there = w.getValue() == null ? n == null : n != null && Arrays.equals(n.data, w.getValue());
            if (!there) {
                applied = false;
                break;
            }
        }
        if (applied) {
            return Decision.APPLIED;
        }
        for (Map.Entry<String, byte[]> w : plan.writes.entrySet()) {
            Stat before = plan.read.get(w.getKey());
            Node n = now.get(w.getKey());
            if (w.getValue() != null && before != null && n != null && n.stat.getCzxid() == before.getCzxid()
                    && n.stat.getVersion() == before.getVersion() + 1) {
                return Decision.REFUSED; // one write since the plan, not ours: our version guard fails for good
            }
        }
        throw new Unknown(plan.first(), "the nodes show neither the state it was planned on nor its result", lost);
    }

    private static boolean same(Stat planned, Node now) {
        if (planned == null || now == null) {
            return planned == null && now == null;
        }
        return planned.getMzxid() == now.stat.getMzxid() && planned.getPzxid() == now.stat.getPzxid()
                && planned.getCzxid() == now.stat.getCzxid();
    }

    private record Node(byte[] data, Stat stat) {
    }

    /** After a sync, the current state of every node the plan read or writes (absent ones left out). */
    private Map<String, Node> readWhenConnected(Plan plan, long deadline) throws Exception {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no connection within the write's budget of " + budget.toMillis() + " ms");
            }
            if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
                continue;
            }
            try {
                sync(left);
                Map<String, Node> out = new LinkedHashMap<>();
                Set<String> paths = new LinkedHashSet<>(plan.read.keySet());
                paths.addAll(plan.writes.keySet());
                for (String path : paths) {
                    Stat stat = new Stat();
                    try {
                        out.put(path, new Node(client.getData().storingStatIn(stat).forPath(path), stat));
                    } catch (KeeperException.NoNodeException absent) {
                        // left out
                    }
                }
                return out;
            } catch (KeeperException e) {
                if (!isLost(e)) {
                    throw e;
                }
                // lost again: wait for the next connection
            }
        }
    }

    /**
     * Makes the server this client is connected to catch up with the leader, so that the reads that
     * follow see every write acknowledged before this call.
     */
    void sync() throws Exception {
        if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            throw new KeeperException.ConnectionLossException();
        }
        sync(budget.toNanos());
    }

    private void sync(long timeoutNanos) throws Exception {
        String root = ZKPaths.fixForNamespace(client.getNamespace(), "/");
        CompletableFuture<Integer> done = new CompletableFuture<>();
        client.getZookeeperClient().getZooKeeper().sync(root, (rc, p, ctx) -> done.complete(rc), null);
        int rc = done.get(timeoutNanos, TimeUnit.NANOSECONDS);
        if (rc != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc), root);
        }
    }
}
