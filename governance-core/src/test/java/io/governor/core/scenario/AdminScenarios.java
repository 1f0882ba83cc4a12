package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RawCenter;
import io.governor.test.CenterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GovernanceAdmin} against a real center: what a rule write is guarded by, and that it stays
 * within a backend's transaction limits for a database of the scale benchmark's size. Run once per
 * backend with a transaction by a subclass that says how to reach the center.
 */
@Timeout(120)
public abstract class AdminScenarios {

    /** Data sources in the large database: the scale benchmark's size. */
    protected static final int LARGE = 1_000;

    private RepositoryConfig center;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String namespace;

    /**
     * The registry (and config) center for this run, as the test class's {@link CenterExtension}
     * says; its namespace is set by the scenario.
     */
    protected final RepositoryConfig center() {
        return center;
    }

    @BeforeEach
    final void takeCenter(RepositoryConfig center) {
        this.center = center;
    }

    @BeforeEach
    void newNamespace() {
        namespace = "adm-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private GovernanceAdmin admin() {
        GovernanceAdmin a = GovernanceAdmin.connect(GovernanceConfig.builder(namespace).registryCenter(center()).build());
        closeables.add(a);
        return a;
    }

    private static DataSourceConfig dataSource(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name, "sa", "");
    }

    private static String name(int i) {
        return String.format("ds_%04d", i);
    }

    /** A database 'orders' of primary, replica_0 and spare, with a rule naming primary and replica_0. */
    private static void ordersWithASpare(GovernanceAdmin a) {
        for (String ds : List.of("primary", "replica_0", "spare")) {
            a.addDataSource("orders", ds, dataSource(ds));
        }
        a.replaceRules("orders", List.of(), List.of(ReadwriteSplittingRule.of("primary", "replica_0")));
    }

    /**
     * Writes a database of {@code count} data sources, each document padded to about
     * {@code documentBytes}, and an empty rule list, node by node as the scale benchmark does:
     * {@code addDataSource} re-reads the whole database each time (1,000 took 5.5 s on memory), and
     * {@code replaceDatabase} writes it in one transaction, which etcd refuses above 128 writes.
     * The puts run 16 at a time (on etcd each waits for a disk sync).
     */
    private void writeDatabase(String db, int count, int documentBytes) throws Exception {
        String initSql = "SELECT 1 /* " + "x".repeat(Math.max(0, documentBytes - 100)) + " */";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (Repository raw = RawCenter.create(center().toBuilder().namespace(namespace).build())) {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                DataSourceConfig ds = dataSource(name(i)).with("connectionInitSql", initSql);
                String key = RawCenter.dataSource(db, name(i));
                puts.add(pool.submit(() -> raw.put(key, RawCenter.dataSourceYaml(ds))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
            raw.put(RawCenter.rules(db), RawCenter.rulesYaml(List.of()));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(count, admin().database(db).dataSources().size());
    }

    /** Sets the rules of a database of data sources ds_0000... twice, the second time through {@code updateRules}. */
    private void changeRules(String db, int count) {
        GovernanceAdmin a = admin();
        a.replaceRules(db, List.of(), List.of(ReadwriteSplittingRule.of(name(0), name(1), name(2))));
        List<RuleConfig> next = List.of(ReadwriteSplittingRule.of(name(count - 1), name(0), name(count / 2)));
        String revision = a.updateRules(db, rules -> next);

        assertEquals(next, a.database(db).rules());
        assertEquals(revision, a.revision(db));
    }

    /** etcd allows 128 compares per transaction: a compare per data source failed from about 127. */
    @Test
    void rulesOfADatabaseOfAThousandDataSourcesCanBeChanged() throws Exception {
        writeDatabase("large", LARGE, 0);
        changeRules("large", LARGE);
    }

    /** etcd allows 1.5 MiB per request: comparing 100 documents of 16 KB passed it. */
    @Test
    void rulesOfADatabaseWhoseDataSourceDocumentsTogetherPassOnePointFiveMebibytesCanBeChanged() throws Exception {
        writeDatabase("wide", 100, 16 * 1024);
        changeRules("wide", 100);
    }

    /**
     * Another admin removes a data source the new rules name (the current rules do not, so it may)
     * between the rule write's read and its commit: the write does not happen, and the retry,
     * reading the database without it, refuses rules that name it.
     */
    @Test
    void concurrentRemovalOfADataSourceTheNewRulesNameFailsTheRuleWrite() {
        GovernanceAdmin a = admin();
        AtomicInteger attempts = new AtomicInteger();

        GovernanceException e = failedRuleWriteNamingTheSpare(a, attempts, (b, attempt) -> {
            if (attempt == 1) {
                b.removeDataSource("orders", "spare");
            }
        });

        assertEquals(2, attempts.get(), "the first write conflicted");
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("'spare' names no data source"), e.getMessage());
        assertFalse(a.database("orders").dataSources().containsKey("spare"));
    }

    /** A data source the new rules name is removed and added back as something else before every write: CONFLICT. */
    @Test
    void ruleWriteWhoseNamedDataSourceKeepsChangingGivesUpWithConflict() {
        GovernanceAdmin a = admin();
        AtomicInteger attempts = new AtomicInteger();

        GovernanceException e = failedRuleWriteNamingTheSpare(a, attempts, (b, attempt) -> {
            b.removeDataSource("orders", "spare");
            b.addDataSource("orders", "spare", dataSource("spare_" + attempt));
        });

        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(GovernanceAdmin.MAX_UPDATE_ATTEMPTS, attempts.get());
    }

    /**
     * Admin {@code a} sets up {@code orders} with a spare and updates its rules to name
     * {@code primary, replica_0, spare}; {@code meddle} runs first in each attempt (given a second
     * admin {@code b} and the attempt number, counted in {@code attempts} from 1). Asserts that the
     * update fails and the rules are as they were; returns the failure.
     */
    private GovernanceException failedRuleWriteNamingTheSpare(GovernanceAdmin a, AtomicInteger attempts,
                                                             ObjIntConsumer<GovernanceAdmin> meddle) {
        GovernanceAdmin b = admin();
        ordersWithASpare(a);
        List<RuleConfig> before = a.database("orders").rules();
        GovernanceException e = assertThrows(GovernanceException.class, () -> a.updateRules("orders", rules -> {
            meddle.accept(b, attempts.incrementAndGet());
            return List.of(ReadwriteSplittingRule.of("primary", "replica_0", "spare"));
        }));
        assertEquals(before, a.database("orders").rules());
        return e;
    }

    /** A data source the new rules do not name is no part of what the rule write depends on. */
    @Test
    void changeToADataSourceTheNewRulesDoNotNameDoesNotConflictWithTheRuleWrite() {
        GovernanceAdmin a = admin();
        GovernanceAdmin b = admin();
        ordersWithASpare(a);
        List<RuleConfig> next = List.of(new ReadwriteSplittingRule("primary", List.of("replica_0"), LoadBalancerType.RANDOM, Map.of()));
        AtomicInteger attempts = new AtomicInteger();

        a.updateRules("orders", rules -> {
            if (attempts.incrementAndGet() == 1) {
                b.replaceDataSource("orders", "spare", dataSource("spare_2"));
            }
            return next;
        });

        assertEquals(1, attempts.get(), "no conflict");
        assertEquals(next, a.database("orders").rules());
        assertEquals(dataSource("spare_2"), a.database("orders").dataSources().get("spare"));
    }
}
