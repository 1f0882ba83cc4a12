package io.governor.core;

import io.governor.api.repository.BulkReads;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import io.governor.test.CallCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link RegistryService} (data source control) and {@link Instances} (status documents) on the registry center. */
class RegistryCenterTest {

    private final String store = "registry-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());
    /** The memory repository, counting calls by method name. */
    private final CallCounter<RegistryRepository> counter = new CallCounter<>(RegistryRepository.class, memory,
            Map.of(BulkReads.class, BulkReads.of(memory)));
    private final Map<String, AtomicInteger> calls = counter.calls();
    private final RegistryRepository counted = counter.proxy();
    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());
    private final RegistryService registry = new RegistryService(counted, codec, "ns");
    private final Instances instances = new Instances(counted, codec);

    @AfterEach
    void close() {
        memory.close();
        MemoryStore.drop(store);
    }

    private static InstanceInfo instance(String id, InstanceState state) {
        return new InstanceInfo(id, "10.0.0.1", 42, Instant.parse("2026-01-02T03:04:05Z"), "1.0", state,
                Map.of("orders", "rev-1"), Map.of());
    }

    @Test
    void instancesReadsEveryStatusInOneCallSortedAndSkipsUnreadableOnes() {
        for (String id : List.of("h3@3@c", "h1@1@a", "h2@2@b")) {
            instances.publishStatus(instance(id, id.startsWith("h2") ? InstanceState.CIRCUIT_BREAKER : InstanceState.ONLINE));
        }
        memory.put(NodePaths.instanceStatus("broken@9@z"), "state: [not, a, map");
        memory.put(NodePaths.instanceStatus("h4@4@d") + "/below", "a child of an instance, not a status");
        calls.clear();

        List<InstanceInfo> all = instances.instances();

        assertEquals(List.of("h1@1@a", "h2@2@b", "h3@3@c"), all.stream().map(InstanceInfo::id).toList());
        assertEquals(instance("h2@2@b", InstanceState.CIRCUIT_BREAKER), all.get(1));
        assertReadsOnceInBulk();
    }

    @Test
    void disabledDataSourcesReadsTheControlNodesInOneCall() {
        registry.setDataSourceDisabled("orders", "replica_0", true);
        registry.setDataSourceDisabled("orders", "replica_1", false);
        registry.setDataSourceDisabled("orders", "replica_2", true);
        calls.clear();
        assertEquals(Set.of("replica_0", "replica_2"), registry.disabledDataSources("orders"));
        assertReadsOnceInBulk();
    }

    private void assertReadsOnceInBulk() {
        Map<String, Integer> reads = new java.util.TreeMap<>();
        calls.forEach((name, n) -> {
            if (Set.of("get", "children", "childValues").contains(name)) {
                reads.put(name, n.get());
            }
        });
        assertEquals(Map.of("childValues", 1), reads, "one bulk read, no get per node");
    }

    @Test
    void statusCarriesTheDisabledDataSourcesEachDatabaseApplied() {
        InstanceInfo info = new InstanceInfo("h1@1@a", "10.0.0.1", 42, Instant.parse("2026-01-02T03:04:05Z"), "1.0",
                InstanceState.CIRCUIT_BREAKER, Map.of("orders", "rev-1", "users", "rev-2"), Map.of(),
                Map.of("orders", Set.of("replica_0", "replica_1"), "users", Set.of()));
        instances.publishStatus(info);

        InstanceInfo read = instances.instance("h1@1@a").orElseThrow();

        assertEquals(info, read);
        assertEquals(Set.of("replica_0", "replica_1"), read.disabledDataSources("orders"));
        assertEquals(Set.of(), read.disabledDataSources("users"));
        assertEquals(InstanceState.CIRCUIT_BREAKER, read.state());
    }
}
