package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.StateEvent;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepository;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class GovernanceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private String store;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void newStore() {
        store = TestConfigs.newStore();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private Governance start(BootstrapMode mode, DatabaseConfig local, RecordingListener listener) {
        Governance.Builder b = Governance.builder(TestConfigs.config(store, mode, local));
        if (listener != null) {
            b.listener(listener);
        }
        Governance g = b.build();
        closeables.add(g);
        return g;
    }

    private Governance start() {
        return start(BootstrapMode.CENTER, TestConfigs.orders("g"), null);
    }

    @Test
    void instanceIsRegisteredAndListedWithHostPidStateAndRevision() {
        Governance g = start();
        List<InstanceInfo> instances = g.admin().instances();
        assertEquals(1, instances.size());
        InstanceInfo i = instances.get(0);
        assertEquals(g.instanceId(), i.id());
        assertEquals(ProcessHandle.current().pid(), i.pid());
        assertTrue(i.id().startsWith(i.host() + "@" + i.pid() + "@"), i.id());
        assertEquals(InstanceState.ONLINE, i.state());
        assertEquals(g.appliedRevision("orders"), i.appliedRevisions().get("orders"));
        assertEquals(g.admin().revision("orders"), g.appliedRevision("orders"));
    }

    @Test
    void adminChangeIsAppliedByEveryInstanceAndConvergenceIsReported() {
        RecordingListener listener = new RecordingListener();
        Governance a = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        Governance b = start();
        String rev = a.admin().updateRules("orders", rules -> List.of(ReadwriteSplittingRule.of("primary", "replica_1")));
        List<InstanceInfo> converged = b.admin().awaitConvergence("orders", rev, WAIT);
        assertEquals(2, converged.size());
        assertEquals(rev, a.appliedRevision("orders"));
        assertEquals(rev, b.appliedRevision("orders"));
        assertEquals(List.of("replica_1"), b.configuration("orders").rule(ReadwriteSplittingRule.class).replicas());
        Await.until(WAIT, "applied event", () -> listener.applied.stream().anyMatch(e -> rev.equals(e.revision())));
        assertTrue(listener.applied.stream().anyMatch(e -> e.summary().contains("rules changed")));
    }

    @Test
    void closeDuringASlowApplyReportsNoRejection() throws Exception {
        RecordingListener listener = new RecordingListener();
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("slow"), listener);
        List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            // a data source whose server accepts and never answers: the pool check waits its full timeout
            g.admin().setProps(new GovernanceProps(java.util.Map.of(GovernanceProps.POOL_CHECK_TIMEOUT, "30s")));
            g.admin().replaceDataSource("orders", "replica_1", DataSourceConfig.of(
                    "jdbc:h2:tcp://127.0.0.1:" + silent.getLocalPort() + "/mem:silent", "sa", "x"));
            Await.until(WAIT, "the new pool is being checked", () -> !accepted.isEmpty());

            g.close();

            assertEquals(List.of(), listener.rejected, "close() interrupted the apply; that is no rejection");
        } finally {
            for (java.net.Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void awaitConvergenceReportsLaggardsOnTimeout() {
        Governance g = start();
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> g.admin().awaitConvergence("orders", "0000000000000000", Duration.ofMillis(300)));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains(g.instanceId() + " at " + g.appliedRevision("orders")), e.getMessage());
    }

    @Test
    void malformedRulesWrittenDirectlyAreRejectedAndTheRunningRulesStay() {
        RecordingListener listener = new RecordingListener();
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        DatabaseConfig before = g.configuration("orders");
        String revBefore = g.appliedRevision("orders");
        g.registryRepository().put(NodePaths.rules("orders"), "- !READWRITE_SPLITTING\n  primary: primary\n  replicas: [replica_0\n");
        Await.until(WAIT, "rejection reported", () -> !listener.rejected.isEmpty());
        assertEquals(ErrorCode.INVALID_CONFIG, listener.rejections.get(0).code());
        assertTrue(listener.rejections.get(0).getMessage().contains("/config/databases/orders/rules: line"),
                listener.rejections.get(0).getMessage());
        assertEquals(before, g.configuration("orders"));
        assertEquals(revBefore, g.appliedRevision("orders"));
        Await.until(WAIT, "error in status", () -> g.admin().instances().get(0).errors().containsKey("orders"));
        // A valid write converges again and clears the error.
        String rev = g.admin().replaceDatabase("orders", TestConfigs.orders("g"));
        g.admin().awaitConvergence("orders", rev, WAIT);
        Await.until(WAIT, "error cleared", () -> g.admin().instances().get(0).errors().isEmpty());
    }

    /** A center document beyond the size limit is refused before parsing, though its rules alone are valid. */
    @Test
    void centerDocumentLargerThanTheSizeLimitIsRejectedAndTheRunningConfigurationStays() {
        RecordingListener listener = new RecordingListener();
        // a memory center that stores values larger than the YAML limit, as a center with a raised limit would
        GovernanceConfig config = GovernanceConfig.builder("order-service")
                .registryCenter(RepositoryConfig.builder("memory").serverLists(store)
                        .property(MemoryRepositoryProvider.MAX_VALUE_BYTES, String.valueOf(2 * YamlLimits.MAX_DOCUMENT_BYTES)).build())
                .bootstrap(BootstrapMode.CENTER).database("orders", TestConfigs.orders("g")).build();
        Governance g = Governance.builder(config).listener(listener).build();
        closeables.add(g);
        DatabaseConfig before = g.configuration("orders");
        String revBefore = g.appliedRevision("orders");
        String comment = "#" + "c".repeat(98) + "\n";
        String rules = "- !READWRITE_SPLITTING\n  primary: primary\n  replicas: [replica_0]\n"
                + comment.repeat(YamlLimits.MAX_DOCUMENT_BYTES / comment.length() + 1);
        g.registryRepository().put(NodePaths.rules("orders"), rules);
        Await.until(WAIT, "rejection reported", () -> !listener.rejected.isEmpty());
        GovernanceException e = listener.rejections.get(0);
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("/config/databases/orders/rules: the document is " + rules.length() + " bytes, "
                + "more than the limit of " + YamlLimits.MAX_DOCUMENT_BYTES + " bytes"), e.getMessage());
        assertEquals(before, g.configuration("orders"));
        assertEquals(revBefore, g.appliedRevision("orders"));
    }

    @Test
    void circuitBreakAndRestoreAreAppliedAndReported() {
        RecordingListener listener = new RecordingListener();
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        g.admin().circuitBreak(g.instanceId());
        Await.until(WAIT, "circuit broken", () -> g.state() == InstanceState.CIRCUIT_BREAKER);
        Await.until(WAIT, "status shows it", () -> g.admin().instances().get(0).state() == InstanceState.CIRCUIT_BREAKER);
        Await.until(WAIT, "circuit break reported", () -> listener.sawState(StateEvent.Kind.INSTANCE, g.instanceId(), "CIRCUIT_BREAKER"));
        g.admin().restore(g.instanceId());
        Await.until(WAIT, "restored", () -> g.state() == InstanceState.ONLINE);
        Await.until(WAIT, "restore reported", () -> listener.sawState(StateEvent.Kind.INSTANCE, g.instanceId(), "ONLINE"));
    }

    @Test
    void disablingADataSourceIsReportedToListeners() {
        RecordingListener listener = new RecordingListener();
        start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener).admin().disableDataSource("orders", "replica_0");
        Await.until(WAIT, "disable reported", () -> listener.sawState(StateEvent.Kind.DATA_SOURCE, "orders/replica_0", "DISABLED"));
    }

    @Test
    void statusNodeComesBackAfterSessionExpiry() {
        RecordingListener listener = new RecordingListener();
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        Governance observer = start();
        ((MemoryRepository) g.registryRepository()).expireSession();
        Await.until(WAIT, "LOST reported", () -> listener.sawState(StateEvent.Kind.CONNECTION, "memory", "LOST"));
        Await.until(WAIT, "RECONNECTED reported", () -> listener.sawState(StateEvent.Kind.CONNECTION, "memory", "RECONNECTED"));
        Await.until(WAIT, "instance listed again", () -> observer.admin().instances().stream()
                .anyMatch(i -> i.id().equals(g.instanceId()) && g.appliedRevision("orders").equals(i.appliedRevisions().get("orders"))));
    }

    @Test
    void closeUnregistersTheInstance() {
        Governance g = start();
        Governance other = start();
        assertEquals(2, other.admin().instances().size());
        g.close();
        Await.until(WAIT, "instance gone", () -> other.admin().instances().size() == 1);
    }

    @Test
    void controlWorkRunsOnOneNamedControlThreadThatCloseEnds() {
        Governance g = start();
        String controlThread = "governor-" + g.namespace() + "-control";
        g.admin().circuitBreak(g.instanceId());
        Await.until(WAIT, "circuit broken", () -> g.state() == InstanceState.CIRCUIT_BREAKER);
        Await.until(WAIT, "status shows it", () -> g.admin().instances().get(0).state() == InstanceState.CIRCUIT_BREAKER);
        assertTrue(liveThreads(controlThread) == 1, "one control thread while running");
        g.close();
        assertEquals(0, liveThreads(controlThread), "close() waited for the control thread to end");
    }

    @Test
    void reconnectResyncLeavesNoThreadBehindAfterClose() {
        RecordingListener listener = new RecordingListener();
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        for (int i = 0; i < 3; i++) {
            ((MemoryRepository) g.registryRepository()).expireSession();
        }
        Await.until(WAIT, "RECONNECTED reported", () -> listener.sawState(StateEvent.Kind.CONNECTION, "memory", "RECONNECTED"));
        g.close();
        assertEquals(0, liveThreads("governor-" + g.namespace() + "-resync"), "no resync thread");
        assertEquals(0, liveThreads("governor-" + g.namespace() + "-control"), "no control thread");
    }

    private static long liveThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
    }

    @Test
    void lockIsExclusiveAcrossInstancesAndReported() {
        RecordingListener listener = new RecordingListener();
        Governance a = start(BootstrapMode.CENTER, TestConfigs.orders("g"), listener);
        Governance b = start();
        Optional<LockLease> first = a.lock("nightly").tryLock(Duration.ofSeconds(2));
        assertTrue(first.isPresent());
        assertTrue(listener.sawState(StateEvent.Kind.LOCK, "nightly", "ACQUIRED"));
        assertFalse(b.lock("nightly").tryLock(Duration.ofMillis(100)).isPresent());
        first.get().close();
        assertTrue(listener.sawState(StateEvent.Kind.LOCK, "nightly", "RELEASED"));
        try (LockLease second = b.lock("nightly").tryLock(Duration.ofSeconds(2)).orElseThrow()) {
            assertTrue(second.fencingToken() > first.get().fencingToken());
        }
    }

    // ------------------------------------------------------------------ bootstrap modes

    @Test
    void centerModeSeedsAnEmptyCenterFromTheLocalConfiguration() {
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("local"), null);
        assertEquals(TestConfigs.orders("local"), g.admin().database("orders"));
    }

    @Test
    void centerModeKeepsAnExistingCenterConfiguration() {
        try (GovernanceAdmin admin = GovernanceAdmin.connect(TestConfigs.config(store, BootstrapMode.CENTER, null))) {
            admin.replaceDatabase("orders", TestConfigs.orders("center"));
        }
        Governance g = start(BootstrapMode.CENTER, TestConfigs.orders("local"), null);
        assertEquals(TestConfigs.orders("center"), g.configuration("orders"));
        assertEquals(TestConfigs.orders("center"), g.admin().database("orders"));
    }

    @Test
    void localModeOverwritesAnExistingCenterConfiguration() {
        try (GovernanceAdmin admin = GovernanceAdmin.connect(TestConfigs.config(store, BootstrapMode.CENTER, null))) {
            admin.replaceDatabase("orders", TestConfigs.orders("center").withDataSource("extra", TestConfigs.h2("extra")));
        }
        Governance g = start(BootstrapMode.LOCAL, TestConfigs.orders("local"), null);
        assertEquals(TestConfigs.orders("local"), g.configuration("orders"));
        assertEquals(TestConfigs.orders("local"), g.admin().database("orders"), "stale data source 'extra' removed");
    }

    @Test
    void instancesStartingTogetherInCenterModeAgreeOnOneConfiguration() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Governance> started = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            String tag = "racer" + i;
            Thread t = new Thread(() -> started.add(Governance.builder(TestConfigs.config(store, BootstrapMode.CENTER,
                    TestConfigs.orders(tag))).build()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        closeables.addAll(started);
        assertEquals(4, started.size());
        String rev = started.get(0).admin().revision("orders");
        started.get(0).admin().awaitConvergence("orders", rev, WAIT);
        for (Governance g : started) {
            assertEquals(rev, g.appliedRevision("orders"));
        }
        assertNotEquals(null, rev);
    }

    @Test
    void startupFailsWhenTheDatabaseHasNoConfigurationAnywhere() {
        GovernanceConfig cfg = TestConfigs.config(store, BootstrapMode.CENTER, DatabaseConfig.empty());
        // An empty local configuration seeds an empty database: start-up succeeds with no data sources.
        Governance g = Governance.builder(cfg).build();
        closeables.add(g);
        assertTrue(g.configuration("orders").dataSources().isEmpty());
    }

    @Test
    void listenerThatStartsObservingJdbcLaterIsAskedAgainAndGetsTheEventsOfNewConnections() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean observes = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        Governance g = Governance.builder(TestConfigs.config(store, BootstrapMode.CENTER, TestConfigs.orders("late")))
                .serviceLoaderListeners(false)
                .listener(new io.governor.api.event.GovernanceListener() {
                    @Override
                    public boolean observesJdbc() {
                        return observes.get();
                    }

                    @Override
                    public void connectionEnded(io.governor.api.event.ConnectionEvent e) {
                        connections.add(e.dataSource());
                    }
                }).build();
        closeables.add(g);
        try (java.sql.Connection c = g.dataSource("orders").getConnection()) {
            assertTrue(c.isValid(1));
        }
        assertEquals(List.of(), connections);

        observes.set(true);
        Await.until(WAIT, "a connection reported after the listener started observing (asked every "
                + DatabaseGovernor.OBSERVER_REFRESH_MS + " ms)", () -> {
            try (java.sql.Connection c = g.dataSource("orders").getConnection()) {
                c.isValid(1);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            return !connections.isEmpty();
        });
        assertEquals("primary", connections.get(0));
    }
}
