package io.governor.core.scenario;

import io.governor.api.repository.RepositoryConfig;

import java.util.UUID;

/** The change-safety scenarios of issue 20 on the {@code memory} repository. */
class MemoryChangeSafetyTest extends ChangeSafetyScenarios {

    private final String store = "safety-" + UUID.randomUUID();

    @Override
    protected RepositoryConfig center() {
        return RepositoryConfig.builder("memory").serverLists(store).build();
    }
}
