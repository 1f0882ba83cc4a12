package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.VersionedValue;
import io.governor.core.memory.MemoryRepositoryProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The last good revision node: its document keeps the canonical texts and decodes to exactly its
 * revision; a node that does not is refused, and at start-up ignored; recording never moves it to a
 * revision that is not current; a fallback that fails too names both reasons.
 */
class LastGoodTest {

    private final String store = TestConfigs.newStore();
    private final Repository repo = new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory")
            .serverLists(store).namespace("order-service").build());
    private final ConfigService config = new ConfigService(repo, new YamlCodec(RuleCodecs.load()), "order-service");
    private final LastGood lastGood = new LastGood(config, "order-service");
    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        repo.close();
    }

    private static DataSourceConfig unreachable() {
        return DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-not-shown").with("connectionTimeout", "250");
    }

    private GovernanceProps props() {
        return new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "5s"));
    }

    private String current(DatabaseConfig db) {
        config.overwrite("orders", db, null);
        config.writeProps(props(), null);
        return config.revision(db, props());
    }

    private String node() {
        return repo.get(NodePaths.lastGood("orders")).map(VersionedValue::value).orElse(null);
    }

    private Governance start(boolean strict) {
        GovernanceConfig cfg = TestConfigs.config(store, BootstrapMode.CENTER, TestConfigs.orders(tag)).toBuilder()
                .strictStartup(strict).build();
        Governance g = Governance.builder(cfg).serviceLoaderListeners(false).build();
        closeables.add(g);
        return g;
    }

    @Test
    void documentKeepsTheCanonicalTextsAndDecodesToExactlyItsRevision() {
        DatabaseConfig db = TestConfigs.orders(tag);
        String rev = config.revision(db, props());
        Instant when = Instant.parse("2026-12-02T09:00:00Z");

        String text = lastGood.encode(rev, when, db, props());
        LastGood.Entry back = lastGood.decode("orders", text);

        assertEquals(new LastGood.Entry(rev, when, db, props()), back);
        Map<String, Object> doc = config.codec().readPlainMap(text, "test");
        assertEquals(rev, doc.get("revision"));
        assertEquals(config.codec().writeRules(db.rules()), doc.get("rules"));
        assertEquals(config.codec().writeProps(props()), doc.get("props"));
        assertEquals(config.codec().writeDataSource(db.dataSources().get("replica_0")),
                ((Map<?, ?>) doc.get("dataSources")).get("replica_0"));
    }

    @Test
    void aDocumentWhoseContentIsNotItsRevisionOrThatIsMalformedIsRefusedNamingTheNode() {
        DatabaseConfig db = TestConfigs.orders(tag);
        String other = config.revision(db.withoutDataSource("replica_1").withRules(List.of()), props());
        String tampered = lastGood.encode(other, Instant.now(), db, props());

        GovernanceException wrong = assertThrows(GovernanceException.class, () -> lastGood.decode("orders", tampered));
        assertEquals(ErrorCode.INVALID_CONFIG, wrong.code());
        assertTrue(wrong.getMessage().contains(NodePaths.lastGood("orders")) && wrong.getMessage().contains("not the recorded " + other),
                wrong.getMessage());

        GovernanceException missing = assertThrows(GovernanceException.class, () -> lastGood.decode("orders", "revision: abc\n"));
        assertEquals(ErrorCode.INVALID_CONFIG, missing.code());
        assertTrue(missing.getMessage().contains("'recorded'"), missing.getMessage());

        repo.put(NodePaths.lastGood("orders"), "revision: [unclosed\n");
        assertTrue(lastGood.read("orders").isEmpty(), "a malformed node reads as none");
    }

    @Test
    void recordsOnlyTheCurrentRevisionAndNeverMovesBackToAnOlderOne() {
        DatabaseConfig first = TestConfigs.orders(tag);
        String old = current(first);
        assertTrue(lastGood.record("orders", old));
        assertEquals(old, lastGood.read("orders").orElseThrow().revision());
        assertEquals(first, lastGood.read("orders").orElseThrow().database());

        String next = current(first.withDataSource("replica_1", TestConfigs.h2(tag + "-other")));
        assertTrue(lastGood.record("orders", next));
        String recorded = node();

        assertFalse(lastGood.record("orders", old), "the old revision is not current any more");
        assertEquals(recorded, node(), "the node is unchanged");
        assertTrue(lastGood.record("orders", next), "recording it again is a success");
        assertEquals(recorded, node(), "and writes nothing");
    }

    @Test
    void recordIfAbsentKeepsAnExistingRecord() {
        DatabaseConfig first = TestConfigs.orders(tag);
        String old = current(first);
        assertTrue(lastGood.recordIfAbsent("orders", old));
        String next = current(first.withDataSource("replica_1", TestConfigs.h2(tag + "-other")));

        assertFalse(lastGood.recordIfAbsent("orders", next));
        assertEquals(old, lastGood.read("orders").orElseThrow().revision());
    }

    @Test
    void onACenterWithoutCompareAndSetTheRecordIsAPlainPut() {
        Repository noCas = (Repository) Proxy.newProxyInstance(Repository.class.getClassLoader(), new Class<?>[]{Repository.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("capabilities")) {
                        Set<Capability> caps = EnumSet.copyOf(repo.capabilities());
                        caps.remove(Capability.COMPARE_AND_SET);
                        return caps;
                    }
                    if (method.getName().equals("compareAndSet")) {
                        throw new AssertionError("compareAndSet on a center that declares none");
                    }
                    try {
                        return method.invoke(repo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ConfigService plain = new ConfigService(noCas, config.codec(), "order-service");
        String rev = current(TestConfigs.orders(tag));

        assertTrue(new LastGood(plain, "order-service").record("orders", rev));
        assertEquals(rev, lastGood.read("orders").orElseThrow().revision());
    }

    @Test
    void aFirstStartWithBootstrapLocalRecordsWhatItWrote() {
        Governance g = Governance.builder(TestConfigs.config(store, BootstrapMode.LOCAL, TestConfigs.orders(tag)))
                .serviceLoaderListeners(false).build();
        closeables.add(g);

        assertEquals(g.appliedRevision("orders"), lastGood.read("orders").orElseThrow().revision());
        assertEquals(g.configuration("orders"), lastGood.read("orders").orElseThrow().database());
    }

    /** Start-up ignores a malformed last good node (a WARN) and fails with the current revision's own reason. */
    @Test
    void aMalformedLastGoodNodeIsIgnoredAndStartUpFailsWithTheOriginalReason() {
        start(false);
        config.compareAndSet(NodePaths.dataSource("orders", "replica_0"), config.load("orders").rawDataSources().get("replica_0"),
                config.codec().writeDataSource(unreachable()));
        repo.put(NodePaths.lastGood("orders"), "revision: [unclosed\n");

        GovernanceException e = assertThrows(GovernanceException.class, () -> start(false));

        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'replica_0'"), e.getMessage());
        assertFalse(e.getMessage().contains("last good"), e.getMessage());
        assertFalse(e.getMessage().contains("pw-not-shown"), e.getMessage());
    }

    @Test
    void aLastGoodRevisionThatFailsTooFailsStartUpNamingBothReasons() {
        Governance first = start(false);
        DatabaseConfig ran = first.configuration("orders");
        GovernanceProps props = config.loadProps().getKey();
        DatabaseConfig unreachableGood = ran.withDataSource("replica_1", unreachable());
        String goodRev = config.revision(unreachableGood, props);
        repo.put(NodePaths.lastGood("orders"), lastGood.encode(goodRev, Instant.now(), unreachableGood, props));
        config.compareAndSet(NodePaths.dataSource("orders", "replica_0"), config.load("orders").rawDataSources().get("replica_0"),
                config.codec().writeDataSource(unreachable()));

        GovernanceException e = assertThrows(GovernanceException.class, () -> start(false));

        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'replica_0'") && e.getMessage().contains("its last good revision " + goodRev
                + " could not start either") && e.getMessage().contains("'replica_1'"), e.getMessage());
        assertFalse(e.getMessage().contains("pw-not-shown"), e.getMessage());
    }
}
