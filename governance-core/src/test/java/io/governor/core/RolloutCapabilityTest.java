package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollouts need transactions with atomic checks on the config center: on one without (Nacos: no transactions;
 * Apollo: transactions whose checks are not atomic) they fail with {@code CAPABILITY_MISSING} naming the center
 * and the capability, and the direct writes work as before.
 */
class RolloutCapabilityTest {

    private final String store = "rollout-capability-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());

    /** The memory repository, declaring only {@code capabilities}. */
    private RegistryRepository declaring(Set<Capability> capabilities) {
        return (RegistryRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RegistryRepository.class, BulkReads.class}, (proxy, method, args) -> {
                    if (method.getName().equals("capabilities")) {
                        return capabilities;
                    }
                    try {
                        return method.invoke(method.getDeclaringClass() == BulkReads.class ? BulkReads.of(memory) : memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());

    @AfterEach
    void close() {
        memory.close();
        MemoryStore.drop(store);
    }

    private GovernanceAdmin admin(Set<Capability> capabilities) {
        return new GovernanceAdmin("ns", new ConfigService(declaring(capabilities), codec, "ns"), new RegistryService(memory, codec, "ns"),
                new Instances(memory, codec), () -> { });
    }

    private static void missing(Capability capability, Executable call) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'memory'") && e.getMessage().contains(capability.name()), e.getMessage());
    }

    /** As Nacos: compare-and-set, no transactions. */
    @Test
    void withoutTransactionsRolloutsFailWithCapabilityMissingAndDirectWritesStillWork() {
        rolloutsFailAndDirectWritesWork(EnumSet.of(Capability.COMPARE_AND_SET), Capability.TRANSACTION);
    }

    /** As Apollo: transactions whose checks are a read then a write (no compare-and-set). */
    @Test
    void withTransactionsButNoAtomicChecksRolloutsFailWithCapabilityMissing() {
        rolloutsFailAndDirectWritesWork(EnumSet.of(Capability.TRANSACTION), Capability.COMPARE_AND_SET);
    }

    private void rolloutsFailAndDirectWritesWork(Set<Capability> declared, Capability missing) {
        GovernanceAdmin admin = admin(declared);
        admin.replaceDatabase("orders", TestConfigs.orders("a"));

        missing(missing, () -> admin.rollout("orders", TestConfigs.orders("b"), RolloutPlan.any(1)));
        missing(missing, () -> admin.promote("orders"));
        missing(missing, () -> admin.abortRollout("orders"));

        assertTrue(admin.rollout("orders").isEmpty());
        admin.replaceDataSource("orders", "replica_0", TestConfigs.orders("b").dataSources().get("replica_0"));
        admin.setProps(new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "5s")));
        assertEquals(TestConfigs.orders("b").dataSources().get("replica_0"), admin.database("orders").dataSources().get("replica_0"));
    }
}
