package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The governed DataSource scenarios on the {@code memory} repository. */
class MemoryGovernedDataSourceTest extends GovernedDataSourceScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("scenario");
}
