package io.governor.repository.zookeeper;

import io.governor.api.repository.support.GuardedWrite;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.data.Stat;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ZooKeeper's side of a {@link GuardedWrite}: the write goes out as one {@code multi} on the raw
 * handle, once per connection, because Curator's retry loop would resend a request whose answer was
 * lost and take the resend's failed guard ({@code BADVERSION}, {@code NODEEXISTS}) for a refusal. A
 * lost answer (connection loss, session expiry or move, timeout) is resolved by re-reading the
 * planned nodes after a {@code sync}: ZooKeeper runs a session's requests in order and refuses those
 * of a session that moved, so once the sync is answered the lost copy can no longer apply.
 *
 * <p>Thread-safe; blocks up to the budget given at construction for a resolution.
 */
final class Writes {

    private final CuratorFramework client;
    private final Duration budget;

    Writes(CuratorFramework client, Duration budget) {
        this.client = client;
        this.budget = budget;
    }

    /** A node as {@link GuardedWrite} compares it; null for an absent node. */
    static GuardedWrite.Node node(byte[] data, Stat stat) {
        return stat == null ? null
                : new GuardedWrite.Node(data, stat.getCzxid(), stat.getMzxid(), stat.getVersion(), stat.getPzxid());
    }

    /**
     * Sends {@code ops} as one multi; a refusal by one of its guards ({@code BADVERSION},
     * {@code NODEEXISTS}, {@code NONODE}, {@code NOTEMPTY}) is false.
     *
     * @throws GuardedWrite.Unknown when the answer was lost and the nodes do not tell
     * @throws KeeperException any other failure; nothing was applied when it comes before the first send
     */
    boolean send(List<CuratorOp> ops, GuardedWrite plan) throws Exception {
        List<Op> raw = ops.stream().map(CuratorOp::get).toList();
        boolean[] sentBefore = {false};
        return plan.send(new GuardedWrite.Backend() {
            @Override
            public GuardedWrite.Sent send() throws Exception {
                if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
                    if (!sentBefore[0]) {
                        throw new KeeperException.ConnectionLossException(); // nothing sent
                    }
                    return GuardedWrite.Sent.LOST;
                }
                sentBefore[0] = true;
                try {
                    client.getZookeeperClient().getZooKeeper().multi(raw);
                    return GuardedWrite.Sent.APPLIED;
                } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                         | KeeperException.NoNodeException | KeeperException.NotEmptyException refused) {
                    return GuardedWrite.Sent.REFUSED;
                } catch (KeeperException e) {
                    if (isLost(e)) {
                        return GuardedWrite.Sent.LOST;
                    }
                    throw e;
                }
            }

            @Override
            public Map<String, GuardedWrite.Node> readAgain(Collection<String> paths, long deadline) throws Exception {
                return readWhenConnected(paths, deadline);
            }
        }, budget.toNanos());
    }

    static boolean isLost(KeeperException e) {
        return switch (e.code()) {
            case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT, REQUESTTIMEOUT -> true;
            default -> false;
        };
    }

    /** After a sync, the current state of each node (absent ones left out); waits for a connection until the deadline. */
    private Map<String, GuardedWrite.Node> readWhenConnected(Collection<String> paths, long deadline) throws Exception {
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
                Map<String, GuardedWrite.Node> out = new LinkedHashMap<>();
                for (String path : paths) {
                    Stat stat = new Stat();
                    try {
                        out.put(path, node(client.getData().storingStatIn(stat).forPath(path), stat));
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
