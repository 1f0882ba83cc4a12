package io.governor.core.scenario;

import io.governor.api.repository.RepositoryConfig;

import java.util.UUID;

/** The governed DataSource scenarios on the {@code memory} repository. */
class MemoryGovernedDataSourceTest extends GovernedDataSourceScenarios {

    private final String store = "scenario-" + UUID.randomUUID();

    @Override
    protected RepositoryConfig center() {
        return RepositoryConfig.builder("memory").serverLists(store).build();
    }
}
