package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.LocalReads;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.test.CallCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reading a database: one bulk read for a database with its props; nodes whose text did not change
 * are not decoded again; everything else is.
 */
class ConfigServiceTest {

    private final Repository repo = new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory")
            .serverLists("config-service-" + UUID.randomUUID()).namespace("ns").build());
    /** The memory repository, counting calls by method name. */
    private final CallCounter<Repository> counter = new CallCounter<>(Repository.class, repo,
            Map.of(BulkReads.class, BulkReads.of(repo)));
    private final Map<String, AtomicInteger> calls = counter.calls();
    private final Repository counted = counter.proxy();
    private final ConfigService config = new ConfigService(counted, new YamlCodec(RuleCodecs.load()), "ns");

    @AfterEach
    void close() {
        repo.close();
    }

    private static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name, "sa", "pw");
    }

    private void seed() {
        config.overwrite("orders", DatabaseConfig.empty().withDataSource("primary", h2("p")).withDataSource("replica", h2("r"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica"))), null);
    }

    @Test
    void unchangedNodesKeepTheirDecodedValueAndChangedOnesAreReadAgain() {
        seed();
        DatabaseSnapshot first = config.load("orders");
        repo.put(NodePaths.dataSource("orders", "replica"), config.codec().writeDataSource(h2("r2")));
        DatabaseSnapshot second = config.load("orders");

        assertSame(first.config().dataSources().get("primary"), second.config().dataSources().get("primary"));
        assertSame(first.config().rules(), second.config().rules());
        assertNotSame(first.config().dataSources().get("replica"), second.config().dataSources().get("replica"));
        assertEquals(h2("r2"), second.config().dataSources().get("replica"));
    }

    @Test
    void aNodeWithTheSameTextAgainIsNotDecodedAgainButAnotherTextIs() {
        config.writeProps(new GovernanceProps(Map.of("pool-check-timeout", "3s")), null);
        GovernanceProps a = config.loadProps().getKey();
        assertSame(a, config.loadProps().getKey());
        config.writeProps(new GovernanceProps(Map.of("pool-check-timeout", "4s")), null);
        assertEquals(new GovernanceProps(Map.of("pool-check-timeout", "4s")), config.loadProps().getKey());
    }

    @Test
    void anInvalidNodeFailsEveryReadUntilItIsFixed() {
        seed();
        DatabaseSnapshot good = config.load("orders");
        String key = NodePaths.dataSource("orders", "replica");
        repo.put(key, "jdbcUrl: [unclosed");
        for (int i = 0; i < 2; i++) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> config.load("orders"));
            assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        }
        repo.put(key, good.rawDataSources().get("replica"));
        assertEquals(good.config(), config.load("orders").config());
    }

    @Test
    void loadWithPropsReadsDatabaseRulesAndPropsInOneCall() {
        seed();
        config.writeProps(new GovernanceProps(Map.of("drain-timeout", "5s")), null);
        calls.clear();
        ConfigService.WithProps read = config.loadWithProps("orders");
        assertEquals(Map.of("readAll", 1), reads(), "one repository read");
        assertEquals(config.load("orders"), read.snapshot());
        assertEquals(config.loadProps().getKey(), read.props());
        assertEquals(read, config.requireWithProps("orders"));
    }

    @Test
    void afterTheWatchIsMadeLoadWithPropsReadsThroughItWhereItAnswersAndFallsBackToReadAllWhereNot() {
        seed();
        AtomicInteger localReads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean answer = new java.util.concurrent.atomic.AtomicBoolean(true);
        // a repository whose configuration watch answers readLocally (from the center, for the test)
        class LocalWatch implements Watch, LocalReads {
            private final Watch w;

            LocalWatch(Watch w) {
                this.w = w;
            }

            @Override
            public String prefix() {
                return w.prefix();
            }

            @Override
            public Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys,
                                                                        Collection<String> parents) {
                localReads.incrementAndGet();
                return answer.get() ? Optional.of(BulkReads.of(repo).readAll(keys, parents)) : Optional.empty();
            }

            @Override
            public void close() {
                w.close();
            }
        }
        Repository local = (Repository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Repository.class, BulkReads.class}, (proxy, method, args) -> {
                    Object out;
                    try {
                        out = method.invoke(counted, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (!method.getName().equals("watchKeys")) {
                        return out;
                    }
                    return new LocalWatch((Watch) out);
                });
        ConfigService watched = new ConfigService(local, config.codec(), "ns");
        ConfigService.WithProps before = watched.loadWithProps("orders");
        assertEquals(0, localReads.get(), "no watch yet: readAll");

        try (Watch w = watched.watch(e -> { })) {
            assertEquals(NodePaths.CONFIG, w.prefix());
            calls.clear();
            assertEquals(before, watched.loadWithProps("orders", w));
            assertEquals(1, localReads.get());
            assertEquals(Map.of(), reads(), "answered by the watch: no repository read");

            answer.set(false);
            calls.clear();
            assertEquals(before, watched.loadWithProps("orders", w));
            assertEquals(2, localReads.get());
            assertEquals(Map.of("readAll", 1), reads(), "the watch cannot answer: one readAll");

            answer.set(true);
            calls.clear();
            assertEquals(before, watched.loadWithProps("orders"));
            assertEquals(2, localReads.get(), "a read not given the watch does not use it");
            assertEquals(Map.of("readAll", 1), reads());
        }
    }

    @Test
    void theDefaultWatchAnswersNoLocalReadButChecksItsArguments() {
        try (Watch w = BulkReads.of(repo).watchKeys("/config", e -> { })) {
            assertEquals(Optional.empty(), LocalReads.read(w, List.of("/config/props"), List.of("/config")));
            assertEquals(ErrorCode.INVALID_ARGUMENT,
                    assertThrows(GovernanceException.class, () -> LocalReads.read(w, null, List.of())).code());
            assertEquals(ErrorCode.INVALID_ARGUMENT,
                    assertThrows(GovernanceException.class, () -> LocalReads.read(w, List.of("/"), List.of())).code());
        }
    }

    @Test
    void loadWithPropsFailsAsLoadThenLoadPropsWould() {
        seed();
        repo.put(NodePaths.PROPS, "drain-timeout: [unclosed");
        assertSameFailure(() -> config.loadProps(), () -> config.loadWithProps("orders"));
        repo.put(NodePaths.dataSource("orders", "replica"), "jdbcUrl: [unclosed");
        assertSameFailure(() -> config.load("orders"), () -> config.loadWithProps("orders"));
        repo.put(NodePaths.dataSource("orders", "replica"), config.codec().writeDataSource(h2("r")));
        repo.delete(NodePaths.dataSource("orders", "primary"));
        assertSameFailure(() -> config.load("orders"), () -> config.loadWithProps("orders")); // rules name a missing data source
        GovernanceException missing = assertSameFailure(() -> config.require("absent"), () -> config.requireWithProps("absent"));
        assertEquals(ErrorCode.NOT_FOUND, missing.code(), "a missing database fails before the broken props are decoded");
        repo.delete(NodePaths.PROPS);
        assertEquals(config.load("absent"), config.loadWithProps("absent").snapshot());
        assertEquals(GovernanceProps.empty(), config.loadWithProps("absent").props());
    }

    /** The read calls made so far, by method name. */
    private Map<String, Integer> reads() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        calls.forEach((k, v) -> {
            if (List.of("get", "children", "childValues", "readAll").contains(k)) {
                out.put(k, v.get());
            }
        });
        return out;
    }

    private static GovernanceException assertSameFailure(org.junit.jupiter.api.function.Executable before,
                                                         org.junit.jupiter.api.function.Executable now) {
        GovernanceException expected = assertThrows(GovernanceException.class, before);
        GovernanceException actual = assertThrows(GovernanceException.class, now);
        assertEquals(expected.code(), actual.code());
        assertEquals(expected.getMessage(), actual.getMessage());
        return actual;
    }

    @Test
    void withoutTransactionsAWriterBetweenTheCheckAndThePutMakesTheCommitFailInsteadOfLosingItsUpdate() {
        repo.put("/config/databases/orders/rules", "mine");
        // a repository with compare-and-set but no transactions (Nacos); another admin writes right after the check's read
        Repository noTransactions = (Repository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Repository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("capabilities")) {
                        return java.util.EnumSet.of(io.governor.api.repository.Capability.COMPARE_AND_SET);
                    }
                    try {
                        Object result = method.invoke(repo, args);
                        if (method.getName().equals("get")) {
                            repo.put("/config/databases/orders/rules", "theirs");
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ConfigService fallback = new ConfigService(noTransactions, new YamlCodec(RuleCodecs.load()), "ns");

        boolean committed = fallback.commit(List.of(
                io.governor.api.repository.Operation.check("/config/databases/orders/rules", "mine"),
                io.governor.api.repository.Operation.put("/config/databases/orders/rules", "mine, updated")));

        assertEquals(false, committed, "the other admin's write landed between the check and the put");
        assertEquals("theirs", repo.get("/config/databases/orders/rules").orElseThrow().value(), "its update is kept");
    }
}
