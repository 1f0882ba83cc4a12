package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import io.governor.api.repository.support.OwnedEphemerals;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ephemeral keys this repository owns ({@link OwnedEphemerals}), made to hold their latest
 * values in the current session, and re-created in a new one. Thread-safe: ownership changes and
 * writes happen under the lock of {@link OwnedEphemerals}, so a deleted key is never brought back.
 */
final class Ephemerals {

    private static final Logger log = LoggerFactory.getLogger(Ephemerals.class);

    private final CuratorFramework client;
    private final Nodes nodes;
    private final String label;
    private final OwnedEphemerals owned;
    /** The stat of each owned node after this client's last write of it (under the owned lock). */
    private final Map<String, Stat> written = new ConcurrentHashMap<>();

    Ephemerals(Nodes nodes, String label) {
        this.client = nodes.client;
        this.nodes = nodes;
        this.label = label;
        this.owned = new OwnedEphemerals(label);
    }

    /**
     * Remembers the key and makes the node hold {@code value} in the current session. When the
     * connection is down the value stays remembered and is written on reconnect; any other failure
     * forgets it again (the previous value, if any, stays owned).
     */
    void put(String key, String value) throws Exception {
        owned.put(key, value, this::ensure, Ephemerals::isConnectionProblem);
    }

    /** Stops owning {@code key} alone: it was written as a persistent key. */
    void disown(String key) {
        owned.disown(key);
        written.remove(key);
    }

    /** Stops owning {@code key} and every owned key below it (the caller deletes the nodes). */
    void forget(String key) {
        owned.forget(key);
        written.keySet().removeIf(k -> Paths.isAtOrBelow(k, key));
    }

    /**
     * Makes every owned key hold its latest value in the current session (re-created after a session
     * loss). A key that fails for another reason than the connection (an ACL changed by hand) is
     * logged and skipped; a connection failure is thrown (the next reconnect retries).
     */
    void ensureAll(boolean newSession) throws Exception {
        int count = owned.restoreAll(this::ensure, e -> !isConnectionProblem(e));
        if (newSession && count > 0) {
            log.info("[{}] re-created {} ephemeral key(s) in the new session: {}", label, count, owned.keys());
        }
    }

    private static boolean isConnectionProblem(Exception e) {
        return e instanceof KeeperException.ConnectionLossException || e instanceof KeeperException.SessionExpiredException
                || e instanceof KeeperException.SessionMovedException || e instanceof InterruptedException;
    }

    /**
     * Makes {@code key} an ephemeral of this session holding {@code value}. When this client wrote the
     * node in this session, one setData guarded by that write's version does it, if the stat it
     * returns shows the same node, still this session's. Otherwise: create; or update a node of this
     * session in place; or replace any other node (an expired session's, a persistent one) by
     * delete-and-create in one multi; each guarded by the version read.
     */
    private void ensure(String key, String value) throws Exception {
        byte[] data = Nodes.bytes(value);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        Stat last = written.remove(key);
        if (last != null && last.getEphemeralOwner() == session) {
            try {
                Stat now = client.setData().withVersion(last.getVersion()).forPath(key, data);
                if (now.getCzxid() == last.getCzxid() && now.getEphemeralOwner() == session) {
                    written.put(key, now);
                    return;
                }
                // another node that happened to have the same version: the checks below make it ours again
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException changed) {
                // written or removed by someone else since our last write: the checks below
            }
        }
        for (int attempt = 0; attempt < Nodes.MAX_ATTEMPTS; attempt++) {
            Stat created = new Stat();
            if (nodes.create(key, data, CreateMode.EPHEMERAL, created, false) != null) {
                written.put(key, created);
                return;
            }
            Nodes.Node n = nodes.read(key);
            if (n == null) {
                continue; // gone meanwhile: create again
            }
            session = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (n.stat().getEphemeralOwner() == session && Arrays.equals(n.data(), data)) {
                written.put(key, n.stat());
                return; // already so
            }
            try {
                if (n.stat().getEphemeralOwner() == session) {
                    written.put(key, client.setData().withVersion(n.stat().getVersion()).forPath(key, data));
                } else {
                    client.transaction().forOperations(
                            client.transactionOp().delete().withVersion(n.stat().getVersion()).forPath(key),
                            client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(key, data));
                }
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                     | KeeperException.NodeExistsException raced) {
                // changed meanwhile: look again
            }
        }
        throw new KeeperException.BadVersionException(key);
    }
}
