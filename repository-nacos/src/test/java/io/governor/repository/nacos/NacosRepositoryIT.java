package io.governor.repository.nacos;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Await;
import io.governor.test.EventRecorder;
import io.governor.test.TcpProxy;
import io.governor.test.nacos.NacosServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Nacos repository on a real Nacos 2.5.1 server: its storage format, the behaviours the server's
 * read cache used to break (stale reads after a write, a refused compare-and-set taken for a
 * failure, a deleted child left in its parent's index, a watch's first event), the request size
 * limit, and faults cut with a {@link TcpProxy} in front of the client's gRPC port.
 */
class NacosRepositoryIT {

    @RegisterExtension
    static final NacosServer NACOS = NacosServer.shared();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void putStoresVersionedContentUnderTheEncodedDataIdAndIndexesEveryAncestor() throws Exception {
        String ns = namespace();
        ConfigService raw = rawClient();
        try (Repository repo = open(ns)) {
            repo.put("/config/databases/orders", "a: 1");

            assertEquals("# governor-version: 1\na: 1", raw.getConfig(ns + ".config.databases.orders", "DEFAULT_GROUP", 3000));
            assertEquals(List.of("orders"), repo.children("/config/databases"));
            assertEquals(List.of("config"), repo.children("/"));
            assertEquals(1, repo.get("/config/databases/orders").orElseThrow().version());
        } finally {
            raw.shutDown();
        }
    }

    /** The server used to refuse the second put: it compared against the database, the put had read the stale cache. */
    @Test
    void putsOfOneKeyInARowEachWriteANewVersionReadAtOnceByAnotherClient() {
        String ns = namespace();
        try (Repository writer = open(ns); Repository reader = open(ns)) {
            for (int i = 1; i <= 5; i++) {
                writer.put("/config/props", "v" + i);
                assertEquals("v" + i, reader.get("/config/props").orElseThrow().value());
                assertEquals(i, reader.get("/config/props").orElseThrow().version());
            }
        }
    }

    /** It used to answer false: the compare-and-set read the stale cache, which did not hold "a" yet. */
    @Test
    void compareAndSetRightAfterAPutSucceeds() {
        try (Repository repo = open(namespace())) {
            repo.put("/k", "a");
            assertTrue(repo.compareAndSet("/k", "a", "b"));
            assertEquals("b", repo.get("/k").orElseThrow().value());
        }
    }

    @Test
    void compareAndSetLosesAgainstAWriterThatGotInFirst() {
        String ns = namespace();
        try (Repository a = open(ns); Repository b = open(ns)) {
            assertTrue(a.compareAndSet("/lock-free", null, "a"));
            assertFalse(b.compareAndSet("/lock-free", null, "b"));
            assertTrue(b.compareAndSet("/lock-free", "a", "b"));
            assertFalse(a.compareAndSet("/lock-free", "a", "c"));
            assertEquals("b", a.get("/lock-free").orElseThrow().value());
        }
    }

    /** Failed with UNAVAILABLE ("refused by the server") when the index's compare-and-set met a stale read. */
    @Test
    void concurrentWritersUnderOneParentLoseNoIndexEntry() throws Exception {
        String ns = namespace();
        try (Repository a = open(ns); Repository b = open(ns)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Repository r = t % 2 == 0 ? a : b;
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            r.put("/parent/c" + thread + "-" + i, "v");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(110, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(100, a.children("/parent").size(), () -> "children: " + a.children("/parent"));
        }
    }

    /** The parent's index used to keep the name: the delete read its own emptied index from the stale cache. */
    @Test
    void deleteRemovesTheNameFromItsParentsIndexAtOnce() {
        String ns = namespace();
        try (Repository repo = open(ns); Repository other = open(ns)) {
            repo.put("/config/databases/orders/rules", "r");
            repo.put("/config/props", "p");
            repo.delete("/config/databases");
            assertEquals(List.of("props"), other.children("/config"));
            assertEquals(List.of(), other.children("/config/databases"));
        }
    }

    /** The first event used to be ADDED: the watch read the stale cache, which did not hold the key yet. */
    @Test
    void aWatchStartedRightAfterAPutReportsTheNextChangeAsUpdated() {
        String ns = namespace();
        try (Repository writer = open(ns); Repository watcher = open(ns)) {
            writer.put("/app/k", "1");
            EventRecorder events = new EventRecorder();
            watcher.watch("/app", events);
            writer.put("/app/k", "2");
            events.await(WAIT, "UPDATED /app/k = 2", e -> e.key().equals("/app/k") && "2".equals(e.value()));
            assertEquals(ChangeEvent.Type.UPDATED, events.eventsFor("/app/k").get(0).type(), events::toString);
        }
    }

    @Test
    void changePublishedByAnotherNacosClientIsPushedToTheWatch() throws Exception {
        String ns = namespace();
        ConfigService other = rawClient();
        try (Repository repo = open(ns)) {
            repo.put("/app/k", "1");
            EventRecorder events = new EventRecorder();
            repo.watch("/app", events);

            assertTrue(other.publishConfig(ns + ".app.k", "DEFAULT_GROUP", "# governor-version: 7\nfrom the console"));

            ChangeEvent e = events.await(WAIT, "the console's change", x -> x.key().equals("/app/k"));
            assertEquals(new ChangeEvent(ChangeEvent.Type.UPDATED, "/app/k", "from the console", 7), e);
        } finally {
            other.shutDown();
        }
    }

    /**
     * A value over the gRPC message limit used to fail with RESOURCE_EXHAUSTED and leave the client's
     * connection unhealthy. It is refused before sending now, and the repository goes on working; a
     * value just under the limit is stored.
     */
    @Test
    void aRequestOverTheGrpcLimitIsRefusedBeforeSendingAndTheClientKeepsWorking() {
        try (Repository repo = new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace())
                .serverLists(NACOS.address()).property("maxValueBytes", String.valueOf(NacosSettings.MAX_VALUE_BYTES_LIMIT))
                .property("requestTimeout", "30s").build())) { // 10 MiB takes seconds on a loaded machine
            String large = "x".repeat(NacosSettings.MAX_VALUE_BYTES_LIMIT);
            repo.put("/large", large);
            assertEquals(large.length(), repo.get("/large").orElseThrow().value().length());

            // 2 MiB of control characters: under maxValueBytes, but each travels as a 6-byte JSON escape
            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.put("/escaped", "\u0001".repeat(2 << 20)));
            assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code());
            assertTrue(e.getMessage().contains("'/escaped'") && e.getMessage().contains("gRPC"), e.getMessage());

            repo.put("/after", "still connected");
            assertEquals("still connected", repo.get("/after").orElseThrow().value());
        }
    }

    @Test
    void maxValueBytesOverTheGrpcLimitIsInvalidConfig() {
        RepositoryConfig config = RepositoryConfig.builder("nacos").serverLists(NACOS.address())
                .property("maxValueBytes", String.valueOf(10 * 1024 * 1024)).build();
        GovernanceException e = assertThrows(GovernanceException.class, () -> new NacosRepositoryProvider().create(config));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }

    @Test
    void watchCatchesUpAfterTheConnectionIsCut() {
        String ns = namespace();
        EventRecorder events = new EventRecorder();
        // watchResync 2s: a change the client's re-listen misses while it reconnects is still caught
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", NACOS.grpcPort());
             Repository watcher = throughProxy(ns, proxy, "2s");
             Repository writer = open(ns)) {
            watcher.put("/r/k", "before");
            watcher.watch("/r", events);

            proxy.cut();
            writer.put("/r/k", "after");
            writer.put("/r/new", "child");
            proxy.restore();

            events.await(WAIT, "/r/k = after", e -> e.key().equals("/r/k") && "after".equals(e.value()));
            events.await(WAIT, "ADDED /r/new", e -> e.key().equals("/r/new") && e.type() == ChangeEvent.Type.ADDED);
        }
    }

    /**
     * A change made after the watch read a value but before the client's listen reached the server is
     * still notified: the client listens with the MD5 of what the watch read. The listen is held in a
     * black-holed proxy while another client deletes the key. No periodic re-read to hide a miss.
     */
    @Test
    void deleteBeforeTheClientsListenReachesTheServerIsStillDelivered() {
        String ns = namespace();
        EventRecorder events = new EventRecorder();
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", NACOS.grpcPort());
             Repository watcher = throughProxy(ns, proxy, "1h");
             Repository writer = open(ns)) {
            writer.put("/t/a", "1");
            watcher.watch("/t", events);
            proxy.blackhole();
            writer.delete("/t/a");
            proxy.restore();

            events.await(WAIT, "DELETED /t/a", e -> e.type() == ChangeEvent.Type.DELETED && e.key().equals("/t/a"));
        }
    }

    @Test
    void readWhileTheServerIsUnreachableFailsInsteadOfServingTheLocalSnapshot() {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", NACOS.grpcPort());
             Repository repo = throughProxy(namespace(), proxy, "10s")) {
            repo.put("/k", "v");
            assertEquals("v", repo.get("/k").orElseThrow().value());
            proxy.cut();

            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.get("/k"));
            assertTrue(e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT, e.toString());
            assertTrue(e.getMessage().contains("'/k'") && e.getMessage().contains("nacos"), e.getMessage());
            proxy.restore();
            Await.until(WAIT, "reads again after the connection is back", () -> "v".equals(repo.get("/k").orElseThrow().value()));
        }
    }

    @Test
    void unreachableServerFailsToConnect() {
        RepositoryConfig config = RepositoryConfig.builder("nacos").serverLists("127.0.0.1:1")
                .property("connectTimeout", "1s").build();
        GovernanceException e = assertThrows(GovernanceException.class, () -> new NacosRepositoryProvider().create(config));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code());
    }

    static String namespace() {
        return "ns-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Repository open(String namespace) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists(NACOS.address()).build());
    }

    /**
     * A repository whose gRPC connection goes through {@code proxy}. The client speaks gRPC to the
     * configured port + 1000 and, without credentials, uses no other port, so it is given the
     * proxy's port - 1000.
     */
    static Repository throughProxy(String namespace, TcpProxy proxy, String watchResync) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists("127.0.0.1:" + (proxy.port() - 1000)).property("watchResync", watchResync)
                .property("requestTimeout", "2s").build());
    }

    static ConfigService rawClient() throws NacosException {
        return rawClient(NACOS);
    }

    /** A plain Nacos client of {@code server}, started by the calling test class's own extension. */
    static ConfigService rawClient(NacosServer server) throws NacosException {
        return NacosFactory.createConfigService(server.address());
    }
}
