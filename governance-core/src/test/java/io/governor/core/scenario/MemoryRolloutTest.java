package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollout scenarios of issue 22 on the {@code memory} repository. */
class MemoryRolloutTest extends RolloutScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("rollout");
}
