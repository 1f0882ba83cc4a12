package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.Operation;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.test.Await;
import io.governor.test.EventRecorder;
import io.governor.test.Ports;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ZooKeeper-specific behaviour beyond the contract kit, on one in-process server. */
class ZooKeeperRepositoryIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(Ports.reserve(1)[0], true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static RegistryRepository open(String namespace) {
        return ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), namespace, Duration.ofSeconds(10)).build());
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    @Test
    void everyThreadIsNamedAfterTheNamespaceAndNoneIsLeftAfterClose() {
        Set<Thread> before = liveThreads();
        RegistryRepository r = open("threads-ns");
        Watch w = r.watch("/", new EventRecorder());
        r.put("/a", "1");
        r.putEphemeral("/e", "1");
        r.lock("l").tryLock(WAIT).orElseThrow().close();
        Set<Thread> started = new HashSet<>(liveThreads());
        started.removeAll(before);
        started.removeIf(t -> t.getName().startsWith("NIOWorkerThread-")); // the in-process server's own workers
        Set<String> names = started.stream().map(Thread::getName).collect(Collectors.toSet());
        assertTrue(names.stream().allMatch(n -> n.startsWith("governor-threads-ns-")), "thread names: " + names);
        assertTrue(started.stream().allMatch(Thread::isDaemon), "daemon threads only: " + names);
        assertTrue(names.containsAll(Set.of("governor-threads-ns-watch", "governor-threads-ns-state")), names.toString());
        w.close();
        r.close();
        Await.until(WAIT, "every repository thread stopped", () -> started.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void theDigestPasswordAppearsInNoLogLineAndNoMessage() throws Exception {
        String password = "pw-that-must-not-leak";
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        List<String> messages = new java.util.ArrayList<>();
        try {
            try (RegistryRepository r = ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), "no-leak",
                    Duration.ofSeconds(10)).property("digest", "app:" + password).build())) {
                r.put("/k", "v");
                messages.add(r.toString());
            }
            GovernanceException wrong = assertThrows(GovernanceException.class, () -> ZooKeeperTests.open(
                    ZooKeeperTests.config(server.getConnectString(), "no-leak", Duration.ofSeconds(10))
                            .property("digest", "app:x" + password).build()));
            messages.add(wrong.toString());
            GovernanceException unreachable = assertThrows(GovernanceException.class, () -> ZooKeeperTests.open(
                    ZooKeeperTests.config("127.0.0.1:1", "no-leak", Duration.ofSeconds(1))
                            .property("digest", "app:" + password).build()));
            messages.add(unreachable.toString());
        } finally {
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("[no-leak]"), "the repository's own log lines were captured");
        assertFalse(logs.contains(password), "a log line shows the password");
        messages.forEach(m -> assertFalse(m.contains(password), m));
    }

    @Test
    void commitWhosePutsTogetherExceedTheLimitIsRefusedBeforeSending() {
        try (RegistryRepository r = open("commit-limit")) {
            String half = "x".repeat(r.maxValueBytes() / 2 + 1);
            GovernanceException e = assertThrows(GovernanceException.class,
                    () -> r.commit(List.of(Operation.put("/a", half), Operation.put("/b", half))));
            assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code());
            assertTrue(e.getMessage().contains("/a") && e.getMessage().contains(String.valueOf(r.maxValueBytes())), e.getMessage());
            assertTrue(r.get("/a").isEmpty() && r.get("/b").isEmpty(), "nothing written");
        }
    }

    @Test
    void nodesCreatedWithADigestCarryOnlyThatIdentitysAcl() throws Exception {
        try (RegistryRepository r = ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), "acl-check",
                Duration.ofSeconds(10)).property("digest", "app:pw-1").build())) {
            r.put("/config/props", "x");
            r.putEphemeral("/status/me", "up");
            CuratorFramework admin = ((ZooKeeperRepository) r).client();
            List<ACL> expected = List.of(new ACL(ZooDefs.Perms.ALL,
                    new Id("digest", Connector.digestId("app:pw-1".getBytes(StandardCharsets.UTF_8)))));
            for (String path : List.of("/", "/config", "/config/props", "/status/me")) {
                assertEquals(expected, admin.getACL().forPath(path), path);
            }
        }
    }

    @Test
    void rootNamespaceHidesZooKeepersOwnTree() {
        try (RegistryRepository r = open("")) {
            assertFalse(r.children("/").contains("zookeeper"), r.children("/").toString());
            r.put("/root-ns-key", "v");
            assertTrue(r.children("/").contains("root-ns-key"));
            r.delete("/root-ns-key");
        }
    }

    @Test
    void readAllOfTheRootInTheRootNamespaceHidesZooKeepersOwnTree() {
        try (RegistryRepository r = open("")) {
            r.put("/root-ns-read", "v");
            try {
                Map<String, VersionedValue> read = BulkReads.of(r).readAll(List.of(), List.of("/"));
                assertFalse(read.keySet().stream().anyMatch(k -> k.startsWith("/zookeeper")), read.keySet().toString());
                assertEquals("v", read.get("/root-ns-read").value());
                assertEquals(BulkReads.of(r).childValues("/").keySet(), read.keySet().stream().map(k -> k.substring(1)).collect(Collectors.toSet()));
                // again, now as one multi of nodes read before: the same, still without /zookeeper
                assertEquals(read, BulkReads.of(r).readAll(List.of(), List.of("/")));
            } finally {
                r.delete("/root-ns-read");
            }
        }
    }

    /** Cold: the pipelined reads fail; warm (the nodes read before): the one-request multi fails the same way. */
    @ParameterizedTest(name = "nodes read before: {0}")
    @ValueSource(booleans = {false, true})
    void readAllFailureNamesTheNodeWhoseReadFailed(boolean warm) throws Exception {
        try (RegistryRepository r = open("read-denied-" + warm)) {
            r.put("/open", "o");
            r.put("/secret", "s");
            if (warm) {
                BulkReads.of(r).readAll(List.of("/open", "/secret"), List.of());
                BulkReads.of(r).readAll(List.of("/open"), List.of("/"));
            }
            ((ZooKeeperRepository) r).client().setACL().withACL(List.of(new ACL(ZooDefs.Perms.ALL,
                    new Id("digest", Connector.digestId("someone-else:pw".getBytes(StandardCharsets.UTF_8)))))).forPath("/secret");
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> BulkReads.of(r).readAll(List.of("/open", "/secret"), List.of()),
                    () -> BulkReads.of(r).readAll(List.of("/open"), List.of("/")))) {
                GovernanceException e = assertThrows(GovernanceException.class, call);
                assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), e::toString);
                assertTrue(e.getMessage().startsWith("readAll '/secret'"), e::getMessage);
            }
            assertEquals(Map.of("/open", r.get("/open").orElseThrow()), BulkReads.of(r).readAll(List.of("/open"), List.of()));
        }
    }

    @Test
    void readAllOfNodesReadBeforeIsOneRequestAndSeesChildrenComeAndGo() throws Exception {
        try (RegistryRepository r = open("read-at-once")) {
            r.put("/db/rules", "r1");
            r.put("/db/ds/a", "a1");
            r.put("/db/ds/b", "b1");
            List<String> keys = List.of("/db/rules", "/db/props");
            List<String> parents = List.of("/db/ds");
            Map<String, VersionedValue> first = BulkReads.of(r).readAll(keys, parents);
            assertEquals(List.of("/db/ds/a", "/db/ds/b", "/db/rules"), List.copyOf(first.keySet()));

            long before = packetsReceived();
            Map<String, VersionedValue> again = BulkReads.of(r).readAll(keys, parents);
            long requests = packetsReceived() - before;
            assertEquals(first, again);
            // one multi (a session ping may land in between); the pipelined rounds take 5 requests here
            assertTrue(requests <= 2, "requests for a read of nodes read before: " + requests);

            r.put("/db/ds/c", "c1");
            r.delete("/db/ds/a");
            r.put("/db/rules", "r2");
            r.put("/db/props", "p1");
            Map<String, String> now = new TreeMap<>();
            BulkReads.of(r).readAll(keys, parents).forEach((k, v) -> now.put(k, v.value()));
            assertEquals(Map.of("/db/ds/b", "b1", "/db/ds/c", "c1", "/db/rules", "r2", "/db/props", "p1"), now);
            r.delete("/db/props");
            assertEquals(List.of("/db/ds/b", "/db/ds/c", "/db/rules"), List.copyOf(BulkReads.of(r).readAll(keys, parents).keySet()));
            assertEquals(BulkReads.of(r).readAll(keys, parents), BulkReads.of(r).readAll(keys, parents));
        }
    }

    @Test
    void readAllOfNodesThatGrewPastOnePacketStillReadsThemWhole() throws Exception {
        try (RegistryRepository r = open("read-grown")) {
            r.put("/big/x", "small");
            r.put("/big/y", "small");
            assertEquals(2, BulkReads.of(r).readAll(List.of(), List.of("/big")).size());
            // together larger than the client's 1 MiB packet limit, so one multi of both cannot be answered
            String x = "x".repeat(600_000);
            String y = "y".repeat(600_000);
            r.put("/big/x", x);
            r.put("/big/y", y);
            Map<String, VersionedValue> read = BulkReads.of(r).readAll(List.of(), List.of("/big"));
            assertEquals(x, read.get("/big/x").value());
            assertEquals(y, read.get("/big/y").value());
            // learned the sizes: the next read goes straight to the pipelined reads
            assertEquals(read, BulkReads.of(r).readAll(List.of(), List.of("/big")));
        }
    }

    @Test
    void updatingAnOwnedEphemeralIsOneRequestAndANodeSwappedUnderItIsMadeOursAgain() throws Exception {
        try (RegistryRepository r = open("ephemeral-update");
             CuratorFramework other = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                     .namespace("ephemeral-update").retryPolicy(new RetryOneTime(100)).build()) {
            other.start();
            assertTrue(other.blockUntilConnected(10, TimeUnit.SECONDS));
            long session = ZooKeeperTests.handle(r).getSessionId();
            r.putEphemeral("/status", "1");
            r.putEphemeral("/status", "2");

            long before = packetsReceived();
            r.putEphemeral("/status", "3");
            long requests = packetsReceived() - before;
            // one setData (a session ping may land in between); the full check takes 3: create, getData, setData
            assertTrue(requests <= 2, "requests to update an owned ephemeral: " + requests);
            assertEquals("3", r.get("/status").orElseThrow().value());

            // someone else writes our node: the guarded update fails, the full check updates it in place
            other.setData().forPath("/status", "theirs".getBytes(StandardCharsets.UTF_8));
            r.putEphemeral("/status", "4");
            assertOurEphemeral(other, session, "4");

            // someone else replaces it by a persistent node at the very version our last write gave it
            org.apache.zookeeper.data.Stat mine = other.checkExists().forPath("/status");
            other.delete().forPath("/status");
            other.create().forPath("/status", "persistent".getBytes(StandardCharsets.UTF_8));
            for (int v = 0; v < mine.getVersion(); v++) {
                other.setData().forPath("/status", "persistent".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(mine.getVersion(), other.checkExists().forPath("/status").getVersion());
            r.putEphemeral("/status", "5");
            assertOurEphemeral(other, session, "5");
            r.putEphemeral("/status", "6");
            assertOurEphemeral(other, session, "6");
        }
    }

    private static void assertOurEphemeral(CuratorFramework other, long session, String value) throws Exception {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        byte[] data = other.getData().storingStatIn(stat).forPath("/status");
        assertEquals(value, new String(data, StandardCharsets.UTF_8));
        assertEquals(session, stat.getEphemeralOwner(), "an ephemeral of the writer's session");
    }

    @Test
    void aKeysOnlyWatchReadsNothingOnANotification() throws Exception {
        try (RegistryRepository watcher = open("keys-only"); RegistryRepository writer = open("keys-only")) {
            writer.put("/cfg/k", "v0");
            EventRecorder keys = new EventRecorder();
            BulkReads.of(watcher).watchKeys("/cfg", keys);
            long before = packetsReceived();
            for (int i = 1; i <= 5; i++) {
                writer.put("/cfg/k", "v" + i);
            }
            Await.until(WAIT, "five updates reported", () -> keys.eventsFor("/cfg/k").size() == 5);
            long requests = packetsReceived() - before;
            // the writer's five guarded puts, a getData and a setData each (and a session ping or two);
            // a value watch adds a getData per update
            assertTrue(requests <= 12, "requests for five updates seen by a keys-only watch: " + requests);
            assertTrue(keys.eventsFor("/cfg/k").stream().allMatch(e -> e.type() == ChangeEvent.Type.UPDATED
                    && e.value() == null && e.version() == -1), keys::toString);
        }
    }

    /** Requests the server has received from all clients, from its {@code srvr} four-letter command. */
    private static long packetsReceived() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.getPort())) {
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            String out = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            Matcher m = Pattern.compile("Received: (\\d+)").matcher(out);
            assertTrue(m.find(), out);
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void structuralParentsHoldNoValueAndEmptyOnesGoWithTheirLastChild() throws Exception {
        try (RegistryRepository r = open("parents")) {
            r.put("/a/b/c", "v");
            r.put("/a/keep", "k");
            assertTrue(r.get("/a/b").isEmpty(), "a parent created on the way holds no value");
            CuratorFramework raw = ((ZooKeeperRepository) r).client();
            assertNull(raw.getData().forPath("/a/b"), "stored as null data, not an empty value");
            r.delete("/a/b/c");
            assertEquals(List.of("keep"), r.children("/a"), "the emptied structural parent /a/b is gone");
            assertTrue(r.compareAndSet("/a/b", null, "now a value"), "a structural node counts as absent");
        }
    }

    @Test
    void closingAWatchFromItsOwnListenerStopsDelivery() {
        try (RegistryRepository r = open("close-in-listener")) {
            AtomicReference<Watch> self = new AtomicReference<>();
            EventRecorder seen = new EventRecorder();
            self.set(r.watch("/w", e -> {
                seen.onEvent(e);
                self.get().close();
            }));
            EventRecorder probe = new EventRecorder();
            r.watch("/w", probe);
            r.put("/w/1", "a");
            seen.await(WAIT, "first event", e -> e.key().equals("/w/1"));
            r.put("/w/2", "b");
            probe.await(WAIT, "later event reaches the other watch", e -> e.key().equals("/w/2"));
            assertEquals(List.of("/w/1"), seen.events().stream().map(ChangeEvent::key).toList());
        }
    }

    @Test
    void leaseOfAClosedRepositoryIsReleasedForOthers() throws Exception {
        RegistryRepository a = open("lease-close");
        try (RegistryRepository b = open("lease-close")) {
            LockLease lease = a.lock("job").tryLock(WAIT).orElseThrow();
            a.close();
            assertFalse(lease.isValid());
            LockLease next = b.lock("job").tryLock(WAIT).orElseThrow();
            assertTrue(next.fencingToken() > lease.fencingToken());
            next.close();
        }
    }

    @Test
    void aStrangerWithoutCredentialsFailsAtStartUpWithUnauthenticated() throws Exception {
        try (RegistryRepository owner = ZooKeeperTests.open(ZooKeeperTests.config(server.getConnectString(), "guarded",
                Duration.ofSeconds(10)).property("digest", "app:pw-2").build())) {
            owner.put("/k", "v");
            GovernanceException e = assertThrows(GovernanceException.class, () -> open("guarded"));
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
            assertTrue(e.getMessage().contains("guarded") && e.getMessage().contains(server.getConnectString()), e.getMessage());
            // a raw client (no Governor start-up check) gets the same code from the operation itself
            try (CuratorFramework raw = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                    .namespace("guarded").retryPolicy(new RetryOneTime(100)).build()) {
                raw.start();
                assertTrue(raw.blockUntilConnected(10, TimeUnit.SECONDS));
                Errors errors = new Errors(ZooKeeperSettings.from(ZooKeeperTests.config(server.getConnectString(),
                        "guarded", Duration.ofSeconds(10)).build()));
                GovernanceException denied = assertThrows(GovernanceException.class, () -> {
                    try {
                        raw.setData().forPath("/k", new byte[0]);
                    } catch (Exception ex) {
                        throw errors.translate("put", "/k", ex);
                    }
                });
                assertEquals(ErrorCode.UNAUTHENTICATED, denied.code(), denied.toString());
            }
            assertEquals("v", owner.get("/k").orElseThrow().value());
        }
    }
}
