package io.governor.tracing.opentracing;

import io.governor.test.Await;
import io.opentracing.mock.MockSpan;
import io.opentracing.mock.MockTracer;
import io.opentracing.util.GlobalTracer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalTracer; this JVM registers it once, mid-test. */
class GlobalTracerTest {

    @Test
    void statementsAreTracedWhenGlobalTracerWasRegisteredBeforeTheDataSourceWasBuilt() throws Exception {
        assertFalse(GlobalTracer.isRegistered());
        MockTracer tracer = new MockTracer();
        OpenTracingListener early = new OpenTracingListener();
        try (GovernedH2 before = new GovernedH2(early)) {
            assertFalse(early.observesJdbc());
            assertTrue(GlobalTracer.registerIfAbsent(tracer));
            OpenTracingListener late = new OpenTracingListener();
            try (GovernedH2 after = new GovernedH2(late)) {
                assertTrue(late.observesJdbc());
                after.execute("select name from whoami", true);
                List<MockSpan> statements = statements(tracer);
                assertEquals(1, statements.size(), tracer.finishedSpans()::toString);
                assertEquals("replica_0", statements.get(0).tags().get("governor.datasource"));
            }

            // The DataSource built before the registration stays untraced; its governance events are traced.
            before.execute("select name from whoami", false);
            assertEquals(1, statements(tracer).size(), tracer.finishedSpans()::toString);
            before.governance.admin().disableDataSource("orders", "replica_0");
            Await.until("a span for the disabled replica", () -> tracer.finishedSpans().stream().anyMatch(s ->
                    s.operationName().equals("governor.datasource.state") && "DISABLED".equals(s.tags().get("governor.state"))));
        }
    }

    private static List<MockSpan> statements(MockTracer tracer) {
        return tracer.finishedSpans().stream().filter(s -> s.operationName().equals("SELECT orders")).toList();
    }
}
