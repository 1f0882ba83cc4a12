package io.governor.tracing.opentracing;

import io.opentracing.mock.MockTracer;
import io.opentracing.util.GlobalTracer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalTracer; this JVM registers it once, mid-test. */
class GlobalTracerTest {

    @Test
    void serviceLoaderListenerTracesOnceGlobalTracerIsRegisteredAfterStartUp() throws Exception {
        assertFalse(GlobalTracer.isRegistered());
        OpenTracingListener listener = new OpenTracingListener();
        MockTracer tracer = new MockTracer();
        try (GovernedH2 db = new GovernedH2(listener)) {
            db.execute("select name from whoami", false);
            assertTrue(GlobalTracer.registerIfAbsent(tracer));
            db.execute("select name from whoami", true);
        }
        assertEquals(1, tracer.finishedSpans().size(), tracer.finishedSpans()::toString);
        assertEquals("replica_0", tracer.finishedSpans().get(0).tags().get("governor.datasource"));
    }
}
