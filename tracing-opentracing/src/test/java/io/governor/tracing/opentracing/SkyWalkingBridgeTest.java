package io.governor.tracing.opentracing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Why docs/tracing.md does not send SkyWalking users through SkyWalking's OpenTracing bridge: the
 * bridge ({@code apm-toolkit-opentracing}, latest release) is compiled against OpenTracing 0.30, whose
 * {@code ActiveSpan} was removed in 0.31, so its tracer cannot even be loaded next to the OpenTracing
 * 0.33 this module needs. If a SkyWalking release fixes that, this test fails and the documented
 * SkyWalking path should be revisited.
 */
class SkyWalkingBridgeTest {

    @Test
    void skyWalkingOpenTracingBridgeCannotBeLoadedWithOpenTracing033() {
        NoClassDefFoundError e = assertThrows(NoClassDefFoundError.class,
                () -> new org.apache.skywalking.apm.toolkit.opentracing.SkywalkingTracer());
        assertEquals("io/opentracing/ActiveSpan", e.getMessage());
    }
}
