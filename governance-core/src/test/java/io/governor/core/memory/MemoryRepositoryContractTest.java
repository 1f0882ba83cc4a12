package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RegistryRepositoryContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole repository contract kit on the memory repository, one fresh store per test. */
class MemoryRepositoryContractTest extends RegistryRepositoryContractTest {

    private final String store = "contract-" + UUID.randomUUID();

    @Override
    protected RegistryRepository newRepository(String namespace) {
        return new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory")
                .serverLists(store).namespace(namespace).build());
    }

    @Override
    protected void expireSession(RegistryRepository repository) {
        ((MemoryRepository) repository).expireSession();
    }

    /** Beyond the kit, using its helpers from another package: a suspended client refuses work until resumed. */
    @Test
    void suspendedClientIsUnavailableUntilResumed() {
        MemoryRepository r = (MemoryRepository) client();
        r.suspend();
        assertError(ErrorCode.UNAVAILABLE, () -> r.put("/k", "v"));
        r.resume();
        r.put("/k", "v");
        assertEquals("v", client(namespace()).get("/k").orElseThrow().value());
    }

    @AfterEach
    void dropStore() {
        MemoryStore.drop(store);
    }
}
