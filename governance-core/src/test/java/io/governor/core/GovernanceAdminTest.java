package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GovernanceAdminTest {

    private String store;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void seed() {
        store = TestConfigs.newStore();
        try (GovernanceAdmin admin = admin()) {
            admin.replaceDatabase("orders", TestConfigs.orders("admin"));
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private GovernanceAdmin admin() {
        GovernanceAdmin a = GovernanceAdmin.connect(TestConfigs.config(store, BootstrapMode.CENTER, null));
        closeables.add(a);
        return a;
    }

    private static List<RuleConfig> incrementWeight(List<RuleConfig> rules) {
        ReadwriteSplittingRule r = (ReadwriteSplittingRule) rules.get(0);
        Map<String, Integer> w = new TreeMap<>(r.weights());
        w.put("replica_0", r.weight("replica_0") + 1);
        return List.of(new ReadwriteSplittingRule(r.primary(), r.replicas(), LoadBalancerType.WEIGHT, w));
    }

    @Test
    @Timeout(60)
    void twoConcurrentAdminsLoseNoUpdate() throws Exception {
        GovernanceAdmin a = admin();
        GovernanceAdmin b = admin();
        int perAdmin = 50;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (GovernanceAdmin admin : List.of(a, b, a, b)) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perAdmin; i++) {
                        admin.updateRules("orders", GovernanceAdminTest::incrementWeight);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ReadwriteSplittingRule r = a.database("orders").rule(ReadwriteSplittingRule.class);
        assertEquals(1 + 4 * perAdmin, r.weight("replica_0"));
    }

    /** Every attempt loses to another writer: CONFLICT after the last one, and the other's writes stand. */
    @Test
    void updateRulesThatAlwaysLosesGivesUpWithConflict() {
        GovernanceAdmin a = admin();
        GovernanceAdmin b = admin();
        AtomicInteger attempts = new AtomicInteger();
        GovernanceException e = assertThrows(GovernanceException.class, () -> a.updateRules("orders", rules -> {
            attempts.incrementAndGet();
            b.updateRules("orders", GovernanceAdminTest::incrementWeight); // gets in between, every time
            return incrementWeight(rules);
        }));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertTrue(e.getMessage().contains("still conflicting after " + GovernanceAdmin.MAX_UPDATE_ATTEMPTS), e.getMessage());
        assertEquals(GovernanceAdmin.MAX_UPDATE_ATTEMPTS, attempts.get());
        ReadwriteSplittingRule r = a.database("orders").rule(ReadwriteSplittingRule.class);
        assertEquals(1 + GovernanceAdmin.MAX_UPDATE_ATTEMPTS, r.weight("replica_0"), "only b's updates were written");
    }

    /** A thread interrupted while it waits to retry stops with INTERRUPTED and keeps its interrupt status. */
    @Test
    void updateRulesInterruptedBetweenAttemptsStops() {
        GovernanceAdmin a = admin();
        GovernanceAdmin b = admin();
        AtomicInteger attempts = new AtomicInteger();
        try {
            GovernanceException e = assertThrows(GovernanceException.class, () -> a.updateRules("orders", rules -> {
                attempts.incrementAndGet();
                b.updateRules("orders", GovernanceAdminTest::incrementWeight);
                Thread.currentThread().interrupt(); // as if interrupted just before the wait
                return incrementWeight(rules);
            }));
            assertEquals(ErrorCode.INTERRUPTED, e.code());
            assertTrue(Thread.currentThread().isInterrupted());
            assertEquals(1, attempts.get());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void staleReplaceRulesGetsConflictAndDoesNotOverwrite() {
        GovernanceAdmin a = admin();
        GovernanceAdmin b = admin();
        List<RuleConfig> seen = a.database("orders").rules();
        b.updateRules("orders", GovernanceAdminTest::incrementWeight);
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> a.replaceRules("orders", seen, List.of(ReadwriteSplittingRule.of("primary", "replica_1"))));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(2, a.database("orders").rule(ReadwriteSplittingRule.class).weight("replica_0"));
    }

    @Test
    void invalidRuleIsRejectedAndNothingIsWritten() {
        GovernanceAdmin a = admin();
        Repository repo = configRepository();
        VersionedValue before = repo.get(NodePaths.rules("orders")).orElseThrow();
        GovernanceException e = assertThrows(GovernanceException.class, () -> a.updateRules("orders",
                rules -> List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_9"))));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("replica 'replica_9' names no data source"), e.getMessage());
        assertEquals(before, repo.get(NodePaths.rules("orders")).orElseThrow(), "rules node untouched");
    }

    @Test
    void removingADataSourceThatARuleNamesIsRejectedAndNothingIsWritten() {
        GovernanceAdmin a = admin();
        GovernanceException e = assertThrows(GovernanceException.class, () -> a.removeDataSource("orders", "replica_1"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(a.database("orders").dataSources().containsKey("replica_1"));
    }

    @Test
    void addReplaceAndRemoveDataSourceReturnTheRevisionOfTheResult() {
        GovernanceAdmin a = admin();
        String added = a.addDataSource("orders", "replica_2", TestConfigs.h2("r2"));
        assertEquals(added, a.revision("orders"));
        assertEquals(ErrorCode.CONFLICT, assertThrows(GovernanceException.class,
                () -> a.addDataSource("orders", "replica_2", TestConfigs.h2("r2"))).code());
        String replaced = a.replaceDataSource("orders", "replica_2", TestConfigs.h2("r2b"));
        assertEquals(replaced, a.revision("orders"));
        String removed = a.removeDataSource("orders", "replica_2");
        assertEquals(removed, a.revision("orders"));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(GovernanceException.class,
                () -> a.replaceDataSource("orders", "replica_2", TestConfigs.h2("x"))).code());
    }

    @Test
    void addingADataSourceCreatesTheDatabase() {
        GovernanceAdmin a = admin();
        a.addDataSource("billing", "main", TestConfigs.h2("billing"));
        DatabaseConfig billing = a.database("billing");
        assertEquals(List.of("main"), List.copyOf(billing.dataSources().keySet()));
        assertTrue(a.databases().contains("billing"));
    }

    @Test
    void controlCallsOnUnknownTargetsAreNotFound() {
        GovernanceAdmin a = admin();
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(GovernanceException.class, () -> a.disableDataSource("orders", "nope")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(GovernanceException.class, () -> a.circuitBreak("host@1@abc")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(GovernanceException.class, () -> a.database("missing")).code());
    }

    @Test
    void invalidNamesAreRejectedBeforeAnyWrite() {
        GovernanceAdmin a = admin();
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(GovernanceException.class,
                () -> a.addDataSource("orders", "../etc", TestConfigs.h2("x"))).code());
    }

    private Repository configRepository() {
        GovernanceAdmin a = admin();
        return a.configService().repository();
    }
}
