package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.test.Await;
import io.governor.test.EventRecorder;
import io.governor.test.StateRecorder;
import io.governor.test.TcpProxy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.governor.repository.zookeeper.ZooKeeperTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults against a real three-server ensemble: a killed server, expired sessions, connections cut
 * or black-holed by TCP proxies (one per server), and ACLs.
 */
class ZooKeeperClusterFaultIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ZooKeeperEnsemble ENSEMBLE = new ZooKeeperEnsemble(3);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<InstanceSpec> killed = new ArrayList<>();
    private String namespace;

    @BeforeEach
    void name(TestInfo info) {
        String method = info.getTestMethod().orElseThrow().getName();
        namespace = "fault-" + method.substring(0, Math.min(40, method.length()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        for (InstanceSpec spec : killed) {
            ENSEMBLE.cluster().restartServer(spec);
        }
    }

    private RegistryRepository open(Duration sessionTimeout) {
        return track(ZooKeeperTests.open(config(ENSEMBLE.cluster().getConnectString(), namespace, sessionTimeout).build()));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void killingTheConnectedServerLosesNoAcknowledgedWriteKeepsTheWatchAndTheEphemeral() throws Exception {
        RegistryRepository a = open(Duration.ofSeconds(10));
        RegistryRepository b = open(Duration.ofSeconds(10));
        StateRecorder states = StateRecorder.on(a);
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
                InstanceSpec connected = ENSEMBLE.cluster().findConnectionInstance(ZooKeeperTests.handle(a));
                killed.add(connected);
                assertTrue(ENSEMBLE.cluster().killServer(connected), "killed " + connected);
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

        // another client may be connected to a follower that is a moment behind: await, do not sample
        Await.until(WAIT, "every acknowledged write is readable by another client", () -> acknowledged.entrySet().stream()
                .allMatch(w -> b.get(w.getKey()).map(VersionedValue::value).equals(Optional.of(w.getValue()))));
        b.put("/data/after-failover", "x");
        Await.until(WAIT, "the watch delivers every acknowledged write and a write after the failover", () -> {
            synchronized (seen) {
                return seen.entrySet().containsAll(acknowledged.entrySet()) && "x".equals(seen.get("/data/after-failover"));
            }
        });
        Await.until(WAIT, "the ephemeral survives the failover",
                () -> b.get("/status/a").map(VersionedValue::value).equals(Optional.of("up")));
        Await.until(WAIT, "RECONNECTED reported", () -> states.seen().contains(ConnectionState.RECONNECTED));
        assertFalse(states.seen().contains(ConnectionState.LOST), "the session survived: " + states.seen());
        assertEquals(ConnectionState.SUSPENDED, states.seen().get(0), "states " + states.seen());
    }

    @Test
    void lockHolderWhoseSessionExpiresIsToldAndTheNextHolderGetsAHigherFencingToken() throws Exception {
        RegistryRepository a = open(Duration.ofSeconds(4));
        RegistryRepository b = open(Duration.ofSeconds(4));
        LockLease first = a.lock("job").tryLock(Duration.ofSeconds(5)).orElseThrow();
        CountDownLatch told = new CountDownLatch(1);
        first.onLost(told::countDown);
        assertTrue(b.lock("job").tryLock(Duration.ZERO).isEmpty(), "the lock is held");

        ZooKeeperTests.expireSession(a, ENSEMBLE.cluster().getConnectString());

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
        RegistryRepository owner = track(ZooKeeperTests.open(config(ENSEMBLE.cluster().getConnectString(), namespace, Duration.ofSeconds(10))
                .property("digest", digest).build()));
        owner.put("/config/props", "a: 1");

        CuratorFramework stranger = track(CuratorFrameworkFactory.builder().connectString(ENSEMBLE.cluster().getConnectString())
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
                () -> track(ZooKeeperTests.open(config(ENSEMBLE.cluster().getConnectString(), namespace, Duration.ofSeconds(10)).build())));
        assertEquals(ErrorCode.UNAUTHENTICATED, none.code(), none.toString());
        GovernanceException wrong = assertThrows(GovernanceException.class,
                () -> track(ZooKeeperTests.open(config(ENSEMBLE.cluster().getConnectString(), namespace, Duration.ofSeconds(10))
                        .property("digest", "governor:wrong-pw").build())));
        assertEquals(ErrorCode.UNAUTHENTICATED, wrong.code(), wrong.toString());
        assertFalse(wrong.getMessage().contains("wrong-pw"), wrong.getMessage());

        assertEquals("a: 1", owner.get("/config/props").orElseThrow().value(), "the governed node is unchanged");
        owner.delete("/config");
        assertTrue(owner.get("/config/props").isEmpty(), "the owner can still delete");
    }

    /** One proxy per server; the returned repository reaches the ensemble only through them. */
    private RegistryRepository openThroughProxies(List<TcpProxy> proxies, Duration sessionTimeout) {
        for (InstanceSpec spec : ENSEMBLE.cluster().getInstances()) {
            proxies.add(track(TcpProxy.start("127.0.0.1", spec.getPort())));
        }
        String servers = String.join(",", proxies.stream().map(TcpProxy::address).toList());
        return track(ZooKeeperTests.open(config(servers, namespace, sessionTimeout).build()));
    }

    @Test
    void shortProxyCutReportsSuspendedThenReconnectedAndKeepsTheSession() throws Exception {
        List<TcpProxy> proxies = new ArrayList<>();
        RegistryRepository a = openThroughProxies(proxies, Duration.ofSeconds(10));
        RegistryRepository b = open(Duration.ofSeconds(10));
        StateRecorder states = StateRecorder.on(a);
        a.putEphemeral("/status/a", "up");
        long session = ZooKeeperTests.handle(a).getSessionId();
        Await.until(WAIT, "b sees the ephemeral", () -> b.get("/status/a").isPresent());

        proxies.forEach(TcpProxy::cut);
        states.awaitExactly(WAIT, ConnectionState.SUSPENDED);
        assertEquals("up", b.get("/status/a").orElseThrow().value(), "the session is alive on the server");
        proxies.forEach(TcpProxy::restore);

        states.awaitExactly(WAIT, ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(session, ZooKeeperTests.handle(a).getSessionId(), "same session");
        a.put("/after", "ok");
        Await.until(WAIT, "a write after the cut reaches the ensemble",
                () -> b.get("/after").map(VersionedValue::value).equals(Optional.of("ok")));
    }

    @Test
    void proxyBlackholeLongerThanTheSessionReportsSuspendedThenLostThenReconnected() {
        List<TcpProxy> proxies = new ArrayList<>();
        RegistryRepository a = openThroughProxies(proxies, Duration.ofSeconds(2));
        StateRecorder states = StateRecorder.on(a);
        a.putEphemeral("/status/a", "up");

        proxies.forEach(TcpProxy::blackhole);
        states.awaitExactly(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST);
        proxies.forEach(TcpProxy::restore);

        states.awaitExactly(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertEquals("up", a.get("/status/a").orElseThrow().value(), "ephemeral back by the time RECONNECTED is reported");
    }

    @Test
    void outageLongerThanTheSessionRecreatesTheEphemeralAndReplaysMissedChangesIncludingDeletes() {
        List<TcpProxy> proxies = new ArrayList<>();
        RegistryRepository a = openThroughProxies(proxies, Duration.ofSeconds(2));
        RegistryRepository b = open(Duration.ofSeconds(10));
        StateRecorder states = StateRecorder.on(a);
        b.put("/cfg/gone", "1");
        b.put("/cfg/changed", "v1");
        b.put("/cfg/kept", "k");
        Await.until(WAIT, "a's server has b's writes", () -> a.get("/cfg/kept").isPresent());
        EventRecorder events = new EventRecorder();
        a.watch("/cfg", events);
        a.putEphemeral("/status/a", "up");

        proxies.forEach(TcpProxy::cut);
        Await.until(WAIT, "the server expires the session and drops the ephemeral", () -> b.get("/status/a").isEmpty());
        b.delete("/cfg/gone");
        b.put("/cfg/changed", "v2");
        b.put("/cfg/new", "n");
        long changedVersion = b.get("/cfg/changed").orElseThrow().version();
        assertTrue(events.events().isEmpty(), "nothing delivered while cut off: " + events);
        proxies.forEach(TcpProxy::restore);

        states.awaitExactly(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);
        // by the time RECONNECTED is reported the ephemeral is back and the watch has caught up
        assertEquals(Optional.of("up"), a.get("/status/a").map(VersionedValue::value));
        assertEquals(List.of(ChangeEvent.Type.DELETED), types(events, "/cfg/gone"));
        assertEquals("1", events.eventsFor("/cfg/gone").get(0).value(), "a deletion carries the last value seen");
        assertEquals(List.of(ChangeEvent.Type.UPDATED), types(events, "/cfg/changed"));
        assertEquals(changedVersion, events.eventsFor("/cfg/changed").get(0).version());
        assertEquals(List.of(ChangeEvent.Type.ADDED), types(events, "/cfg/new"));
        assertEquals(List.of(), types(events, "/cfg/kept"), "an unchanged key gets no event");
        Await.until(WAIT, "the other client sees the re-created ephemeral", () -> b.get("/status/a").isPresent());

        b.put("/cfg/later", "l");
        events.await(WAIT, "the watch keeps delivering in the new session",
                e -> e.key().equals("/cfg/later") && e.type() == ChangeEvent.Type.ADDED);
    }

    private static List<ChangeEvent.Type> types(EventRecorder events, String key) {
        return events.eventsFor(key).stream().map(ChangeEvent::type).toList();
    }
}
