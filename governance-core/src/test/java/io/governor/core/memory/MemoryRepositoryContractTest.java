package io.governor.core.memory;

import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RegistryRepositoryContractTest;
import org.junit.jupiter.api.AfterEach;

import java.util.UUID;

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

    @AfterEach
    void dropStore() {
        MemoryStore.drop(store);
    }
}
