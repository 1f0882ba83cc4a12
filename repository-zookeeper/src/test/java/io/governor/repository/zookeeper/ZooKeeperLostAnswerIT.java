package io.governor.repository.zookeeper;

import io.governor.api.repository.Operation;
import io.governor.api.repository.support.GuardedWrite;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes whose outcome must be reported as it is. A lost answer resolved from the nodes a {@link Transaction} planned, replayed deterministically:
 * the multi applies but its answer is "lost", and another writer changes the nodes before they are
 * read again. Found by {@code ZooKeeperWriteOutcomeIT} on a loaded machine: a put that created a
 * key at the top of the namespace, deleted by another client before the re-read, was sent again and
 * applied twice, because a key absent again looked like the state the write was planned on. And a
 * delete that applied is reported applied even when pruning its empty parents afterwards fails.
 */
class ZooKeeperLostAnswerIT {

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();

    private CuratorFramework client;
    private CuratorFramework other;
    private Nodes nodes;

    @BeforeEach
    void connect() throws Exception {
        String namespace = "lost-" + System.nanoTime();
        client = started(namespace);
        other = started(namespace);
        client.create().forPath("/parent"); // the namespace root exists from here on
        nodes = new Nodes(client, false, Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        other.close();
        client.close();
    }

    @Test
    void aCreatedKeyDeletedByAnotherBeforeTheReReadIsNotSentAgain() throws Exception {
        assertCreatedThenDeletedIsNotResent("/register");
    }

    @Test
    void aCreatedKeyUnderAnExistingParentDeletedByAnotherIsNotSentAgain() throws Exception {
        assertCreatedThenDeletedIsNotResent("/parent/register");
    }

    @Test
    void aCompareAndSetFromAbsentDeletedByAnotherIsNotSentAgain() throws Exception {
        Transaction t = Transaction.planned(nodes,
                List.of(Operation.check("/register", null), Operation.put("/register", "v")));
        AtomicInteger sends = new AtomicInteger();
        assertThrows(GuardedWrite.Unknown.class, () -> t.written.send(lostThen(t.ops, sends,
                () -> other.delete().forPath("/register")), TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, sends.get(), "the write applied once and was sent again");
    }

    @Test
    void aLostAnswerOnAnUnchangedStateIsSentAgainAndAppliesOnce() throws Exception {
        Transaction t = Transaction.planned(nodes, List.of(Operation.put("/register", "v")));
        AtomicInteger sends = new AtomicInteger();
        GuardedWrite.Backend lostBeforeSending = new GuardedWrite.Backend() {
            @Override
            public GuardedWrite.Sent send() throws Exception {
                if (sends.getAndIncrement() == 0) {
                    return GuardedWrite.Sent.LOST; // never reached the server
                }
                client.getZookeeperClient().getZooKeeper().multi(t.ops.stream().map(CuratorOp::get).toList());
                return GuardedWrite.Sent.APPLIED;
            }

            @Override
            public Map<String, GuardedWrite.Node> readAgain(Collection<String> paths, long deadline) throws Exception {
                return read(paths);
            }
        };
        assertTrue(t.written.send(lostBeforeSending, TimeUnit.SECONDS.toNanos(10)));
        assertEquals(2, sends.get());
        assertEquals("v", new String(client.getData().forPath("/register")));
    }

    @Test
    void aDeleteThatAppliedIsReportedAppliedWhenPruningItsParentFails() throws Exception {
        assertTrue(Transaction.commit(nodes, List.of(Operation.put("/dir/key", "v")))); // /dir: structural
        // the namespace root's ACL lets no one delete /dir: pruning fails after the delete applied
        client.setACL().withACL(List.of(new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.DELETE, ZooDefs.Ids.ANYONE_ID_UNSAFE)))
                .forPath("/");
        assertTrue(Transaction.commit(nodes, List.of(Operation.delete("/dir/key"))));
        assertTrue(client.checkExists().forPath("/dir/key") == null);
        assertTrue(client.checkExists().forPath("/dir") != null, "the test needs pruning to have failed");
    }

    /**
     * A compare-and-set planned before a disconnection is not sent when the connection returns: a
     * node deleted and created again meanwhile has the data version the plan read, so its guard would
     * pass on the new node (found by {@code ZooKeeperWriteOutcomeIT}). The write plans again and
     * sees the new value.
     */
    @Test
    void aPlanMadeBeforeADisconnectionIsNotSentOnTheNextConnection() throws Exception {
        client.create().forPath("/register", "a".getBytes());
        try (io.governor.test.TcpProxy proxy = io.governor.test.TcpProxy.start(ZK.connectString())) {
            CuratorFramework cut = CuratorFrameworkFactory.builder().connectString(proxy.address())
                    .namespace(client.getNamespace()).retryPolicy(new RetryOneTime(100))
                    .connectionTimeoutMs(10_000).sessionTimeoutMs(30_000).build();
            try {
                cut.start();
                assertTrue(cut.blockUntilConnected(10, TimeUnit.SECONDS));
                Nodes behind = new Nodes(cut, false, Duration.ofSeconds(10));
                Transaction t = Transaction.planned(behind,
                        List.of(Operation.check("/register", "a"), Operation.put("/register", "b")));
                proxy.cut();
                io.governor.test.Await.until(Duration.ofSeconds(10), "the client sees the cut",
                        () -> !cut.getZookeeperClient().isConnected());
                other.delete().forPath("/register");
                other.create().forPath("/register", "c".getBytes()); // data version 0 again
                java.util.concurrent.CompletableFuture<Boolean> sent = new java.util.concurrent.CompletableFuture<>();
                Thread sender = new Thread(() -> {
                    try {
                        sent.complete(t.written.send(t, TimeUnit.SECONDS.toNanos(20)));
                    } catch (Exception e) {
                        sent.completeExceptionally(e);
                    }
                }, "governor-test-sender");
                sender.setDaemon(true);
                sender.start();
                io.governor.test.Await.until(Duration.ofSeconds(10), "the send waits for the connection",
                        () -> sender.getState() == Thread.State.TIMED_WAITING);
                proxy.restore();
                assertEquals(false, sent.get(30, TimeUnit.SECONDS), "the old plan was sent: its guard passed on the new node");
                assertEquals("c", new String(client.getData().forPath("/register")));
                assertEquals(false, Transaction.commit(behind,
                        List.of(Operation.check("/register", "a"), Operation.put("/register", "b"))), "planned again");
            } finally {
                cut.close();
            }
        }
    }

    private void assertCreatedThenDeletedIsNotResent(String key) throws Exception {
        Transaction t = Transaction.planned(nodes, List.of(Operation.put(key, "v")));
        AtomicInteger sends = new AtomicInteger();
        GuardedWrite.Backend backend = lostThen(t.ops, sends, () -> other.delete().forPath(key));
        assertThrows(GuardedWrite.Unknown.class, () -> t.written.send(backend, TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, sends.get(), "the write applied once and was sent again");
        assertTrue(client.checkExists().forPath(key) == null, "applied a second time");
    }

    /** Applies the multi and answers LOST, after {@code meanwhile} ran; any later copy is applied normally. */
    private GuardedWrite.Backend lostThen(List<CuratorOp> ops, AtomicInteger sends, Step meanwhile) {
        return new GuardedWrite.Backend() {
            @Override
            public GuardedWrite.Sent send() throws Exception {
                sends.incrementAndGet();
                try {
                    client.getZookeeperClient().getZooKeeper().multi(ops.stream().map(CuratorOp::get).toList());
                } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                         | KeeperException.NoNodeException refused) {
                    return GuardedWrite.Sent.REFUSED;
                }
                if (sends.get() > 1) {
                    return GuardedWrite.Sent.APPLIED;
                }
                meanwhile.run();
                return GuardedWrite.Sent.LOST;
            }

            @Override
            public Map<String, GuardedWrite.Node> readAgain(Collection<String> paths, long deadline) throws Exception {
                return read(paths);
            }
        };
    }

    /** One server: every read is as new as every acknowledged write. */
    private Map<String, GuardedWrite.Node> read(Collection<String> paths) throws Exception {
        Map<String, GuardedWrite.Node> out = new LinkedHashMap<>();
        for (String path : paths) {
            Stat stat = client.checkExists().forPath(path);
            if (stat != null) {
                out.put(path, Transaction.observed(client.getData().forPath(path), stat));
            }
        }
        return out;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static CuratorFramework started(String namespace) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(ZK.connectString()).namespace(namespace)
                .retryPolicy(new RetryOneTime(100)).build();
        c.start();
        assertTrue(c.blockUntilConnected(10, TimeUnit.SECONDS));
        return c;
    }
}
