package io.governor.repository.zookeeper;

import io.governor.api.repository.Paths;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ephemeral keys this repository owns, with their latest values, so that they can be created
 * again in a new session.
 *
 * <p>Thread-safe: every change of ownership and every write of an owned node happens under one
 * lock, so a {@link #forget} (from {@code delete}) and a re-creation never interleave: a key that
 * was deleted is not brought back.
 */
final class Ephemerals {

    private static final Logger log = LoggerFactory.getLogger(Ephemerals.class);

    private final CuratorFramework client;
    private final Nodes nodes;
    private final String label;
    private final Map<String, String> owned = new TreeMap<>();

    Ephemerals(CuratorFramework client, Nodes nodes, String label) {
        this.client = client;
        this.nodes = nodes;
        this.label = label;
    }

    /** Remembers the key and makes the node hold {@code value} in the current session. */
    void put(String key, String value) throws Exception {
        synchronized (owned) {
            owned.put(key, value);
            ensure(key, value);
        }
    }

    /** Stops owning {@code key} and every owned key below it (the caller deletes the nodes). */
    void forget(String key) {
        synchronized (owned) {
            owned.keySet().removeIf(k -> Paths.isAtOrBelow(k, key));
        }
    }

    /**
     * Creates every owned key again in the current session (after the old one was lost).
     *
     * @return how many keys are owned
     */
    int recreateAll() throws Exception {
        synchronized (owned) {
            for (Map.Entry<String, String> e : owned.entrySet()) {
                ensure(e.getKey(), e.getValue());
            }
            if (!owned.isEmpty()) {
                log.info("[{}] re-created {} ephemeral key(s) in the new session: {}", label, owned.size(), owned.keySet());
            }
            return owned.size();
        }
    }

    List<String> keys() {
        synchronized (owned) {
            return new ArrayList<>(owned.keySet());
        }
    }

    /**
     * Makes {@code key} an ephemeral of this session holding {@code value}. A node of this session is
     * updated in place (guarded by its version); any other node at the key (left by our expired
     * session, or persistent) is replaced by delete-and-create in one multi guarded by its version.
     */
    private void ensure(String key, String value) throws Exception {
        byte[] data = Nodes.bytes(value);
        for (int attempt = 0; attempt < Nodes.MAX_ATTEMPTS; attempt++) {
            if (nodes.create(key, data, CreateMode.EPHEMERAL)) {
                return;
            }
            Nodes.Node n = nodes.read(key);
            if (n == null) {
                continue; // gone meanwhile: create again
            }
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            try {
                if (n.stat().getEphemeralOwner() == session) {
                    client.setData().withVersion(n.stat().getVersion()).forPath(key, data);
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
