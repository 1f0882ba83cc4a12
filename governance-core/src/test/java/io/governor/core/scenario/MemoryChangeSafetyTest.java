package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change-safety scenarios of issue 20 on the {@code memory} repository. */
class MemoryChangeSafetyTest extends ChangeSafetyScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("safety");
}
