package io.governor.core.scenario;

import io.governor.api.repository.RepositoryConfig;

import java.util.UUID;

/** The admin scenarios on the {@code memory} repository. */
class MemoryAdminTest extends AdminScenarios {

    private final String store = "admin-" + UUID.randomUUID();

    @Override
    protected RepositoryConfig center() {
        return RepositoryConfig.builder("memory").serverLists(store).build();
    }
}
