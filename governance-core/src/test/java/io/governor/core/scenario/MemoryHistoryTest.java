package io.governor.core.scenario;

import io.governor.test.CenterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history and rollback scenarios of issue 22 on the {@code memory} repository. */
class MemoryHistoryTest extends HistoryScenarios {

    @RegisterExtension
    final CenterExtension center = ScenarioSupport.memoryCenter("history");
}
