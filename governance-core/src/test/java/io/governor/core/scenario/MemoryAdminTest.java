package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin scenarios on the {@code memory} repository. */
class MemoryAdminTest extends AdminScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("admin");
}
