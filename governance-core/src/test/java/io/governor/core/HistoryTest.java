package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.RevisionRecord.Outcome;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoding of history entries and what a malformed entry does (nothing but a skipped line). */
class HistoryTest {

    private final String store = "history-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());
    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());
    private final ConfigService config = new ConfigService(memory, codec, "ns", 10);
    private final History history = config.history();

    @AfterEach
    void close() {
        memory.close();
        MemoryStore.drop(store);
    }

    private GovernanceAdmin admin() {
        return TestConfigs.admin(config, memory);
    }

    @Test
    void entryKeysArePaddedSoThatNamesSortByTime() {
        assertEquals("0000000000000999-ab", History.entryKey(999, "ab"));
        assertEquals("1764665482123456-9f2c01ab", History.entryKey(1764665482123456L, "9f2c01ab"));
        List<String> keys = new ArrayList<>(List.of(History.entryKey(10_000, "00"), History.entryKey(999, "ff"),
                History.entryKey(1_000, "00")));
        keys.sort(null);
        assertEquals(List.of(History.entryKey(999, "ff"), History.entryKey(1_000, "00"), History.entryKey(10_000, "00")), keys);
    }

    @Test
    void entriesMadeAtOnceHaveDistinctKeysInTheOrderTheyWereMade() {
        DatabaseConfig orders = TestConfigs.orders("keys");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(history.entry("orders", orders, GovernanceProps.empty(), null, Outcome.PUBLISHED).key());
        }
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(keys));
        assertEquals(keys, sorted, "distinct, and sorted by name in the order made");
    }

    @Test
    void anEntryDecodesToWhatWasKeptAndItsToStringShowsNoContent() {
        DatabaseConfig orders = TestConfigs.orders("enc");
        GovernanceProps props = new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "5s"));
        History.Entry e = history.entry("orders", orders, props, "ticket \"42\"\nsecond line", Outcome.ROLLOUT);

        assertTrue(e.key().startsWith("/history/databases/orders/"), e.key());
        History.Kept k = history.parse(e.key(), e.text());
        assertEquals(e.record(), k.record());
        assertEquals(config.revision(orders, props), k.record().revision());
        assertEquals(new StoredContent(orders, props), history.content(k));
        assertEquals(props, history.props(k));
        assertFalse(e.toString().contains("secret-enc"), e.toString());
        assertFalse(k.record().toString().contains("secret-enc"), k.record().toString());
        assertEquals(System.getProperty("user.name"), k.record().user());
        assertEquals(InstanceIds.host(), k.record().host());
    }

    @Test
    void aMalformedEntryIsRefusedNamingItsNode() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> history.parse("/history/databases/orders/0000000000000001-bad", "revision: abc\ntime: yesterday\n"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("/history/databases/orders/0000000000000001-bad"), e.getMessage());
        assertThrows(GovernanceException.class, () -> history.parse("/history/props/x", "[not, a, map]\n"));
    }

    @Test
    void aMalformedEntryIsSkippedByHistoryAndNeverBreaksAWrite() {
        GovernanceAdmin admin = admin();
        String first = admin.replaceDatabase("orders", TestConfigs.orders("m1"));
        memory.put("/history/databases/orders/9999999999999997-broken", "revision: [\n");
        memory.put("/history/databases/orders/9999999999999998-noval", "time: 2026-01-01T00:00:00Z\n");

        String second = admin.withMessage("after the broken entry").replaceDatabase("orders", TestConfigs.orders("m2"));

        List<RevisionRecord> h = admin.history("orders");
        assertEquals(List.of(second, first), h.stream().map(RevisionRecord::revision).toList());
        assertEquals("after the broken entry", h.get(0).message());
        assertNull(h.get(1).message());
        assertEquals(TestConfigs.orders("m1"), admin.content("orders", first));
    }

    @Test
    void theOutcomeOfTheNewestEntryOfARevisionCanBeSet() {
        GovernanceAdmin admin = admin();
        String rev = admin.replaceDatabase("orders", TestConfigs.orders("o1"));
        assertTrue(history.markOutcome("orders", rev, Outcome.PROMOTED));
        assertEquals(Outcome.PROMOTED, admin.history("orders").get(0).outcome());
        assertFalse(history.markOutcome("orders", "0000000000000000", Outcome.WITHDRAWN), "no entry of that revision");
        assertEquals(TestConfigs.orders("o1"), admin.content("orders", rev), "the content is kept with the new outcome");
    }

    @Test
    void theOutcomeOfAnEntryCanBeSetByItsKeyAndAMissingKeyGivesNoPut() {
        GovernanceAdmin admin = admin();
        String rev = admin.replaceDatabase("orders", TestConfigs.orders("k1"));
        String key = memory.children(History.scope("orders")).stream().map(n -> History.scope("orders") + "/" + n)
                .reduce((a, b) -> b).orElseThrow();
        io.governor.api.repository.Operation.Put put = history.outcomePutAt(key, Outcome.WITHDRAWN).orElseThrow();
        memory.put(put.key(), put.value());
        assertEquals(Outcome.WITHDRAWN, admin.history("orders").get(0).outcome());
        assertEquals(rev, admin.history("orders").get(0).revision());
        assertEquals(TestConfigs.orders("k1"), admin.content("orders", rev), "the content is kept with the new outcome");
        assertTrue(history.outcomePutAt(History.scope("orders") + "/0000000000000000-00000000", Outcome.PROMOTED).isEmpty(),
                "an entry that is not kept is not re-created");
    }

    @Test
    void aWriteWithoutTransactionsKeepsItsEntryAfterTheChangeAndTrims() {
        ConfigService noTx = new ConfigService(with(Capability.COMPARE_AND_SET), codec, "ns", 2);
        GovernanceAdmin admin = TestConfigs.admin(noTx, memory);
        List<String> revs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            revs.add(admin.replaceDatabase("orders", TestConfigs.orders("nt" + i)));
        }
        assertEquals(List.of(revs.get(3), revs.get(2)), admin.history("orders").stream().map(RevisionRecord::revision).toList());
        GovernanceException e = assertThrows(GovernanceException.class, () -> admin.rollback("orders", revs.get(2)));
        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code());
        assertTrue(e.getMessage().contains("lacks [TRANSACTION]") && e.getMessage().contains("memory"), e.getMessage());
    }

    /** Apollo's case: a transaction whose checks are not atomic against other writers is not enough for a rollback. */
    @Test
    void aRollbackNeedsAtomicChecksNotOnlyATransaction() {
        ConfigService apolloLike = new ConfigService(with(Capability.TRANSACTION), codec, "ns", 5);
        GovernanceAdmin admin = TestConfigs.admin(apolloLike, memory);
        String first = admin.replaceDatabase("orders", TestConfigs.orders("ap1"));
        admin.replaceDatabase("orders", TestConfigs.orders("ap2"));
        GovernanceException e = assertThrows(GovernanceException.class, () -> admin.rollback("orders", first));
        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code());
        assertTrue(e.getMessage().contains("lacks [COMPARE_AND_SET]"), e.getMessage());
        assertEquals(TestConfigs.orders("ap2"), admin.database("orders"), "nothing written");
        assertEquals(TestConfigs.orders("ap1"), admin.content("orders", first), "the content is still readable");
    }

    /** The memory repository declaring only {@code capabilities}. */
    private io.governor.api.repository.Repository with(Capability... capabilities) {
        java.util.Set<Capability> declared = java.util.Set.of(capabilities);
        return (io.governor.api.repository.Repository) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {io.governor.api.repository.Repository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("capabilities")) {
                        return declared;
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aBlankOrTooLongMessageIsRefused() {
        GovernanceAdmin admin = admin();
        for (String bad : new String[] {null, " ", "x".repeat(GovernanceAdmin.MAX_MESSAGE_LENGTH + 1)}) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> admin.withMessage(bad));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
        String longest = "x".repeat(GovernanceAdmin.MAX_MESSAGE_LENGTH);
        admin.withMessage("replaced by the next view").withMessage(longest).replaceDatabase("orders", TestConfigs.orders("msg"));
        assertEquals(longest, admin.history("orders").get(0).message());
    }

    @Test
    void historyLimitBelowOneIsRefused() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ConfigService(memory, codec, "ns", 0));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }
}
