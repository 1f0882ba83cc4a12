package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The last good revision scenarios of issue 22 on the {@code memory} repository. */
class MemoryLastGoodTest extends LastGoodScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("lastgood");
}
