package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.governor.api.repository.LocalReads;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.test.Await;
import io.governor.test.StateRecorder;
import io.governor.test.EventRecorder;
import io.governor.test.TcpProxy;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static io.governor.api.repository.ChangeEvent.Type.DELETED;
import static io.governor.api.repository.ChangeEvent.Type.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network faults between one client and a running etcd server, made with a TCP proxy: the client
 * under test talks to the server through the proxy, the observers talk to it directly.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdProxyFaultIT {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    private static Client admin;

    private String namespace;
    private TcpProxy proxy;
    private EtcdRepository cutOff;
    private EtcdRepository observer;

    @BeforeAll
    static void connectAdmin() {
        admin = Client.builder().endpoints(ETCD.clientUrls().toArray(String[]::new)).build();
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    @BeforeEach
    void connect() {
        namespace = "fault-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        proxy = TcpProxy.start("127.0.0.1", ETCD.clientPort(0));
        cutOff = TestClients.connect("http://" + proxy.address(), namespace, TTL);
        observer = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        cutOff.close();
        observer.close();
        proxy.close();
    }

    @Test
    void cutLongerThanLeaseTtlRecreatesEphemeralAndWatchCatchesUp() {
        StateRecorder states = StateRecorder.on(cutOff);
        EventRecorder cutOffEvents = new EventRecorder();
        cutOff.watch("/config", cutOffEvents);
        EventRecorder statusEvents = new EventRecorder();
        observer.watch("/status", statusEvents);
        cutOff.putEphemeral("/status/me", "up");
        statusEvents.await(WAIT, "ephemeral created", e -> e.type() == ADDED && e.key().equals("/status/me"));

        proxy.cut();
        statusEvents.await(WAIT, "other clients see the ephemeral go when the lease expires",
                e -> e.type() == DELETED && e.key().equals("/status/me"));
        states.awaitInOrder(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST);
        observer.put("/config/changed", "while cut off");
        observer.put("/config/other", "also");

        proxy.restore();
        states.awaitInOrder(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);
        statusEvents.await(WAIT, "the ephemeral is re-created under a new lease",
                e -> e.type() == ADDED && e.key().equals("/status/me") && "up".equals(e.value()));
        cutOffEvents.await(WAIT, "the watch delivers what changed meanwhile",
                e -> e.type() == ADDED && e.key().equals("/config/changed"));
        cutOffEvents.await(WAIT, "the watch delivers what changed meanwhile",
                e -> e.type() == ADDED && e.key().equals("/config/other"));
        assertEquals(1, cutOffEvents.eventsFor("/config/changed").size(), "delivered once: " + cutOffEvents);
        assertEquals(Optional.of("up"), observer.get("/status/me").map(VersionedValue::value));
    }

    /** Nothing is reset, nothing arrives: the heartbeat still notices, by the age of its last answer. */
    /**
     * gRPC alone reconnects at once when a connection drops, then waits 1 s, and 1.6 × longer (± 20 %)
     * after each failed attempt: attempts at about 0, 1, 2.6, 5.2, 9.3, 15.8, 26.3 and 43 s, so at
     * most seven within 30 s (the eighth comes after 34 s at the earliest). The client must try more
     * often than that while it cannot reach a server, so that it is back as soon as the network is.
     */
    @Test
    void whileCutOffTheClientKeepsTryingInsteadOfWaitingOutGrpcsBackoff() {
        StateRecorder states = StateRecorder.on(cutOff);
        cutOff.putEphemeral("/status/me", "up");

        int before = proxy.accepted();
        proxy.cut();
        states.awaitInOrder(WAIT, ConnectionState.LOST);
        Await.until(Duration.ofSeconds(30), "eight reconnect attempts through the cut proxy within 30 s "
                + "(gRPC's own backoff allows at most seven)", () -> proxy.accepted() - before >= 8);

        proxy.restore();
        states.awaitInOrder(WAIT, ConnectionState.LOST, ConnectionState.RECONNECTED);
        Await.until(WAIT, "the ephemeral is back", () -> observer.get("/status/me").map(VersionedValue::value)
                .equals(Optional.of("up")));
    }

    @Test
    void silentNetworkLongerThanLeaseTtlIsNoticedAndRecovered() {
        StateRecorder states = StateRecorder.on(cutOff);
        EventRecorder statusEvents = new EventRecorder();
        observer.watch("/status", statusEvents);
        cutOff.putEphemeral("/status/me", "up");
        statusEvents.await(WAIT, "ephemeral created", e -> e.type() == ADDED && e.key().equals("/status/me"));

        proxy.blackhole();
        states.awaitInOrder(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST);
        statusEvents.await(WAIT, "the server expired the lease", e -> e.type() == DELETED && e.key().equals("/status/me"));
        proxy.restore();
        states.awaitInOrder(WAIT, ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);
        Await.until(WAIT, "ephemeral back after the silent outage",
                () -> observer.get("/status/me").map(VersionedValue::value).equals(Optional.of("up")));
    }

    @Test
    void compactionPastWatcherRevisionWhileDisconnectedConvergesWithDeletes() throws Exception {
        observer.put("/c/keep", "1");
        observer.put("/c/gone", "1");
        observer.put("/c/gone/child", "1");
        EventRecorder events = new EventRecorder();
        // each delivery also reads the children of /c locally (LocalReads.readLocally), in event order
        List<Optional<SortedMap<String, VersionedValue>>> local = new CopyOnWriteArrayList<>();
        Watch[] watch = new Watch[1];
        watch[0] = cutOff.watch("/c", e -> {
            local.add(LocalReads.read(watch[0], List.of(), List.of("/c")));
            events.onEvent(e);
        });
        LocalReads.read(watch[0], List.of(), List.of("/c"));
        Await.until(WAIT, "local reads answered", () -> LocalReads.read(watch[0], List.of(), List.of("/c")).isPresent());
        observer.put("/c/seen", "1");
        events.await(WAIT, "watch is live", e -> e.key().equals("/c/seen"));

        proxy.cut();
        observer.delete("/c/gone");
        observer.put("/c/keep", "2");
        observer.put("/c/keep", "3");
        observer.put("/c/new", "1");
        long revision = admin.getKVClient().get(Keys.bytes("/x")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        admin.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
        proxy.restore();

        events.await(WAIT, "deletion missed during the cut", e -> e.type() == DELETED && e.key().equals("/c/gone"));
        events.await(WAIT, "child deletion missed during the cut", e -> e.type() == DELETED && e.key().equals("/c/gone/child"));
        events.await(WAIT, "update coalesced to the latest value", e -> e.type() == UPDATED && e.key().equals("/c/keep")
                && "3".equals(e.value()));
        events.await(WAIT, "addition missed during the cut", e -> e.type() == ADDED && e.key().equals("/c/new"));
        observer.put("/c/after", "1");
        events.await(WAIT, "the watch goes on after resynchronising", e -> e.key().equals("/c/after"));

        Map<String, String> view = new HashMap<>(Map.of("/c/keep", "1", "/c/gone", "1", "/c/gone/child", "1"));
        for (ChangeEvent e : events.events()) {
            if (e.type() == DELETED) {
                assertTrue(view.remove(e.key()) != null, () -> "delete of an unknown key " + e.key() + ": " + events);
            } else {
                assertEquals(e.type() == ADDED, view.put(e.key(), e.value()) == null, () -> "ADDED/UPDATED consistent: " + events);
            }
        }
        assertEquals(Map.of("/c/keep", "3", "/c/new", "1", "/c/seen", "1", "/c/after", "1"), view,
                "the listener's view converges to the store");

        // the resynchronised copy was published before the missed events were delivered
        int missed = events.events().indexOf(events.eventsFor("/c/gone").get(0));
        Map<String, String> duringResync = new HashMap<>();
        local.get(missed).orElseThrow().forEach((k, v) -> duringResync.put(k, v.value()));
        assertEquals(Map.of("/c/keep", "3", "/c/new", "1", "/c/seen", "1"), duringResync,
                "a local read while the first missed event is delivered shows the store after the cut");
        assertEquals(BulkReads.of(cutOff).readAll(List.of(), List.of("/c")), LocalReads.read(watch[0], List.of(), List.of("/c")).orElseThrow());
    }

    @Test
    void lockHolderWhoseLeaseExpiresIsToldAndAnotherTakesWithHigherToken() {
        StateRecorder states = StateRecorder.on(cutOff);
        LockLease held = cutOff.lock("job").tryLock(WAIT).orElseThrow();
        AtomicInteger told = new AtomicInteger();
        held.onLost(told::incrementAndGet);
        assertFalse(observer.lock("job").tryLock(Duration.ofMillis(300)).isPresent(), "the lock is held");

        proxy.cut();
        LockLease taken = observer.lock("job").tryLock(WAIT).orElseThrow(() -> new AssertionError("lock never freed"));
        Await.until(WAIT, "the holder is told its lease is lost", () -> told.get() == 1 && !held.isValid());
        assertTrue(taken.fencingToken() > held.fencingToken(),
                () -> "token " + taken.fencingToken() + " after " + held.fencingToken());
        proxy.restore();
        states.awaitInOrder(WAIT, ConnectionState.LOST, ConnectionState.RECONNECTED);
        held.close();
        assertTrue(taken.isValid(), "closing the lost lease does not free the new holder's lock");
        assertFalse(cutOff.lock("job").tryLock(Duration.ofMillis(300)).isPresent(), "still held by the new holder");
        taken.close();
        assertTrue(cutOff.lock("job").tryLock(WAIT).isPresent(), "the recovered client can lock again");
    }
}
