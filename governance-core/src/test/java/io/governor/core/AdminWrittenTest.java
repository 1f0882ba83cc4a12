package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An admin write that has applied is never reported as failed: when the read of the props that
 * follows it (for the revision it returns) fails, the revision comes from the props read before.
 * Reporting {@code UNAVAILABLE} there would tell the caller that nothing was written, and a caller
 * that then repeats the update applies it twice.
 */
class AdminWrittenTest {

    private final String store = "admin-written-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());
    /** Set once a write has gone out: from then on, reading the props node fails as a cut connection would. */
    private final AtomicBoolean wrote = new AtomicBoolean();
    private final RegistryRepository failing = (RegistryRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RegistryRepository.class, BulkReads.class}, (proxy, method, args) -> {
                String name = method.getName();
                if (name.equals("commit") || name.equals("compareAndSet") || name.equals("put")) {
                    wrote.set(true);
                }
                if (wrote.get() && name.equals("get") && NodePaths.PROPS.equals(args[0])) {
                    throw new GovernanceException(ErrorCode.UNAVAILABLE, "get '/props': connection lost (test)");
                }
                try {
                    return method.invoke(method.getDeclaringClass() == BulkReads.class ? BulkReads.of(memory) : memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());
    private final ConfigService config = new ConfigService(failing, codec, "ns");

    @AfterEach
    void close() {
        memory.close();
        MemoryStore.drop(store);
    }

    private GovernanceAdmin admin() {
        return new GovernanceAdmin("ns", config, new RegistryService(memory, codec, "ns"), new Instances(memory, codec), () -> { });
    }

    @Test
    void anAppliedWriteIsReportedAsAppliedWhenTheFollowingPropsReadFails() {
        GovernanceAdmin admin = admin();
        String seeded = admin.replaceDatabase("orders", TestConfigs.orders("admin"));
        wrote.set(false);
        DataSourceConfig replica = TestConfigs.orders("changed").dataSources().get("replica_0");

        String rev = admin.replaceDataSource("orders", "replica_0", replica);

        assertTrue(wrote.get(), "the write went out");
        assertEquals(replica, admin.database("orders").dataSources().get("replica_0"), "the write applied");
        wrote.set(false); // the props read works again
        assertEquals(admin.revision("orders"), rev, "the revision returned is the center's");
        assertTrue(!rev.equals(seeded), "a new revision");
    }
}
