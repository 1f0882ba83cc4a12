package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Operation;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.RevisionRecord.Outcome;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rollback never overwrites a change it did not see: another admin's write that lands after the
 * rollback read the database and before its transaction commits makes it fail with
 * {@code CONFLICT}, and nothing of the rollback is written (neither the content, nor its history
 * entry, nor the outcome of the entry it would have replaced). The other write is made to land
 * exactly there by the repository, when the rollback's transaction arrives.
 */
class RollbackRaceTest {

    private final String store = "rollback-race-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());
    /** Run once, just before the next transaction that keeps a history entry is applied. */
    private final AtomicReference<Runnable> beforeCommit = new AtomicReference<>();
    private final RegistryRepository racing = (RegistryRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RegistryRepository.class, BulkReads.class}, (proxy, method, args) -> {
                if (method.getName().equals("commit") && keepsHistory(args[0])) {
                    Runnable r = beforeCommit.getAndSet(null);
                    if (r != null) {
                        r.run();
                    }
                }
                try {
                    return method.invoke(method.getDeclaringClass() == BulkReads.class ? BulkReads.of(memory) : memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());
    private final ConfigService config = new ConfigService(racing, codec, "ns");
    private final GovernanceAdmin admin = TestConfigs.admin(config, memory);

    private static boolean keepsHistory(Object ops) {
        return ((List<?>) ops).stream().anyMatch(o -> o instanceof Operation.Put p && p.key().startsWith(NodePaths.HISTORY + "/"));
    }

    @AfterEach
    void close() {
        memory.close();
        MemoryStore.drop(store);
    }

    /**
     * Writes {@code v1} then {@code v2}, and rolls back to {@code v1} while another admin's write of
     * data source replica_1 lands between the rollback's read and its commit: the rollback must fail
     * with CONFLICT and write nothing.
     */
    private void assertARaceOnReplica1FailsTheRollback(DatabaseConfig v1, DatabaseConfig v2) {
        String target = admin.replaceDatabase("orders", v1);
        String current = admin.replaceDatabase("orders", v2);
        DatabaseConfig theirs = v2.withDataSource("replica_1", TestConfigs.h2("theirs"));
        beforeCommit.set(() -> memory.put(NodePaths.dataSource("orders", "replica_1"),
                codec.writeDataSource(TestConfigs.h2("theirs"))));
        List<RevisionRecord> before = admin.history("orders");

        GovernanceException e = assertThrows(GovernanceException.class, () -> admin.rollback("orders", target));

        assertEquals(ErrorCode.CONFLICT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("database 'orders'") && e.getMessage().contains(target)
                && e.getMessage().contains(current), e.getMessage());
        assertNull(beforeCommit.get(), "the other write landed");
        assertEquals(theirs, admin.database("orders"), "the other write stays, the rollback wrote nothing");
        assertEquals(before, admin.history("orders"), "no entry kept, no outcome changed");
        assertEquals(Outcome.PUBLISHED, before.get(0).outcome());
    }

    /** replica_1 is the same in both revisions: the rollback only checks it, and must see its change. */
    @Test
    void aChangeToADataSourceBetweenTheReadAndTheCommitFailsTheRollback() {
        DatabaseConfig v1 = TestConfigs.orders("r1");
        assertARaceOnReplica1FailsTheRollback(v1, v1.withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))));
    }

    /** The target adds replica_1 back: the rollback checks that it is still absent. */
    @Test
    void aDataSourceCreatedBetweenTheReadAndTheCommitThatTheTargetAddsFailsTheRollback() {
        DatabaseConfig v1 = TestConfigs.orders("a1");
        assertARaceOnReplica1FailsTheRollback(v1, v1.withoutDataSource("replica_1")
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))));
    }

    @Test
    void withoutARaceTheSameRollbackApplies() {
        DatabaseConfig v1 = TestConfigs.orders("n1");
        String rev1 = admin.replaceDatabase("orders", v1);
        String rev2 = admin.replaceDatabase("orders", v1.withoutDataSource("replica_1")
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))));

        assertEquals(rev1, admin.rollback("orders", rev1));
        assertEquals(v1, admin.database("orders"));
        List<RevisionRecord> h = admin.history("orders");
        assertEquals(List.of(rev1, rev2, rev1), h.stream().map(RevisionRecord::revision).toList());
        assertEquals(List.of(Outcome.PUBLISHED, Outcome.ROLLED_BACK, Outcome.PUBLISHED), h.stream().map(RevisionRecord::outcome).toList());
        assertEquals("rollback to " + rev1, h.get(0).message());
    }
}
