package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RegistryRepository;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.governor.repository.zookeeper.ZooKeeperTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults against a real three-server ensemble: server loss, session expiry, ACLs. */
class ZooKeeperClusterFaultIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestingCluster cluster;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<InstanceSpec> killed = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ZooKeeperTests.cluster(3);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @BeforeEach
    void name(TestInfo info) {
        namespace = "fault-" + info.getTestMethod().orElseThrow().getName().hashCode() % 100000;
        namespace = namespace.replace('-', 'n').replaceFirst("faultn", "fault-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        for (InstanceSpec spec : killed) {
            cluster.restartServer(spec);
        }
    }

    private RegistryRepository open(Duration sessionTimeout) {
        return track(ZooKeeperTests.open(config(cluster.getConnectString(), namespace, sessionTimeout).build()));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void killingTheConnectedServerLosesNoAcknowledgedWriteKeepsTheWatchAndTheEphemeral() throws Exception {
        RegistryRepository a = open(Duration.ofSeconds(10));
        RegistryRepository b = open(Duration.ofSeconds(10));
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        a.addConnectionStateListener(states::add);
        Map<String, String> seen = java.util.Collections.synchronizedMap(new TreeMap<>());
        a.watch("/data", e -> {
            if (e.type() == ChangeEvent.Type.DELETED) {
                seen.remove(e.key());
            } else {
                seen.put(e.key(), e.value());
            }
        });
        a.putEphemeral("/status/a", "up");

        Map<String, String> acknowledged = new TreeMap<>();
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            if (i == 20) {
                InstanceSpec connected = cluster.findConnectionInstance(ZooKeeperTests.handle(a));
                killed.add(connected);
                assertTrue(cluster.killServer(connected), "killed " + connected);
            }
            String key = "/data/k" + i;
            try {
                a.put(key, "v" + i);
                acknowledged.put(key, "v" + i);
            } catch (GovernanceException e) {
                assertTrue(e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT, e.toString());
                refused++;
            }
        }
        assertTrue(acknowledged.size() >= 40, "most writes acknowledged; refused " + refused);

        for (Map.Entry<String, String> w : acknowledged.entrySet()) {
            assertEquals(w.getValue(), b.get(w.getKey()).orElseThrow(() -> new AssertionError("lost " + w)).value(),
                    "acknowledged write " + w.getKey());
        }
        b.put("/data/after-failover", "x");
        Eventually.await(WAIT, "the watch delivers every acknowledged write and a write after the failover", () -> {
            synchronized (seen) {
                return seen.entrySet().containsAll(acknowledged.entrySet()) && "x".equals(seen.get("/data/after-failover"));
            }
        });
        assertEquals("up", b.get("/status/a").orElseThrow().value(), "the ephemeral survives the failover");
        Eventually.await(WAIT, "RECONNECTED reported", () -> states.contains(ConnectionState.RECONNECTED));
        assertFalse(states.contains(ConnectionState.LOST), "the session survived: " + states);
        assertEquals(ConnectionState.SUSPENDED, states.get(0), "states " + states);
    }

    @Test
    void lockHolderWhoseSessionExpiresIsToldAndTheNextHolderGetsAHigherFencingToken() throws Exception {
        RegistryRepository a = open(Duration.ofSeconds(4));
        RegistryRepository b = open(Duration.ofSeconds(4));
        LockLease first = a.lock("job").tryLock(Duration.ofSeconds(5)).orElseThrow();
        CountDownLatch told = new CountDownLatch(1);
        first.onLost(told::countDown);
        assertTrue(b.lock("job").tryLock(Duration.ZERO).isEmpty(), "the lock is held");

        ZooKeeperTests.expireSession(a, cluster.getConnectString());

        assertTrue(told.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the holder is told its lease is lost");
        assertFalse(first.isValid());
        LockLease second = b.lock("job").tryLock(Duration.ofSeconds(10)).orElseThrow();
        assertTrue(second.fencingToken() > first.fencingToken(),
                second.fencingToken() + " > " + first.fencingToken());
        assertTrue(second.isValid());
        first.close(); // harmless on a lost lease
        second.close();
    }

    @Test
    void clientWithoutTheDigestCannotModifyOrDeleteAGovernedNode() throws Exception {
        String digest = "governor:s3cret-pw";
        RegistryRepository owner = track(ZooKeeperTests.open(config(cluster.getConnectString(), namespace, Duration.ofSeconds(10))
                .property("digest", digest).build()));
        owner.put("/config/props", "a: 1");

        CuratorFramework stranger = track(CuratorFrameworkFactory.builder().connectString(cluster.getConnectString())
                .namespace(namespace).retryPolicy(new RetryOneTime(100)).build());
        stranger.start();
        assertTrue(stranger.blockUntilConnected(10, TimeUnit.SECONDS));
        byte[] evil = "evil".getBytes(StandardCharsets.UTF_8);
        assertThrows(KeeperException.NoAuthException.class, () -> stranger.setData().forPath("/config/props", evil));
        assertThrows(KeeperException.NoAuthException.class, () -> stranger.delete().forPath("/config/props"));
        assertThrows(KeeperException.NoAuthException.class, () -> stranger.delete().deletingChildrenIfNeeded().forPath("/config"));
        assertThrows(KeeperException.NoAuthException.class, () -> stranger.create().forPath("/config/other", evil));
        assertThrows(KeeperException.NoAuthException.class, () -> stranger.getData().forPath("/config/props"));

        GovernanceException none = assertThrows(GovernanceException.class,
                () -> track(ZooKeeperTests.open(config(cluster.getConnectString(), namespace, Duration.ofSeconds(10)).build())));
        assertEquals(ErrorCode.UNAUTHENTICATED, none.code(), none.toString());
        GovernanceException wrong = assertThrows(GovernanceException.class,
                () -> track(ZooKeeperTests.open(config(cluster.getConnectString(), namespace, Duration.ofSeconds(10))
                        .property("digest", "governor:wrong-pw").build())));
        assertEquals(ErrorCode.UNAUTHENTICATED, wrong.code(), wrong.toString());
        assertFalse(wrong.getMessage().contains("wrong-pw"), wrong.getMessage());

        assertEquals("a: 1", owner.get("/config/props").orElseThrow().value(), "the governed node is unchanged");
        owner.delete("/config");
        assertTrue(owner.get("/config/props").isEmpty(), "the owner can still delete");
    }
}
