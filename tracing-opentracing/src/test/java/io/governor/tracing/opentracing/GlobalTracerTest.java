package io.governor.tracing.opentracing;

import io.governor.core.fixture.GovernedH2;
import io.governor.test.Await;
import io.opentracing.mock.MockSpan;
import io.opentracing.mock.MockTracer;
import io.opentracing.util.GlobalTracer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalTracer; this JVM registers it once, mid-test. */
class GlobalTracerTest {

    @Test
    void statementsAreTracedOnConnectionsOpenedAfterTheGlobalTracerIsRegistered() throws Exception {
        assertFalse(GlobalTracer.isRegistered());
        MockTracer tracer = new MockTracer();
        OpenTracingListener early = new OpenTracingListener();
        try (GovernedH2 before = new GovernedH2(early)) {
            assertFalse(early.observesJdbc());
            try (Connection openBefore = before.dataSource().getConnection()) {
                assertTrue(GlobalTracer.registerIfAbsent(tracer));
                OpenTracingListener late = new OpenTracingListener();
                try (GovernedH2 after = new GovernedH2(late)) {
                    assertTrue(late.observesJdbc());
                    after.execute("select name from whoami", true);
                    List<MockSpan> statements = statements(tracer);
                    assertEquals(1, statements.size(), tracer.finishedSpans()::toString);
                    assertEquals("replica_0", statements.get(0).tags().get("governor.datasource"));
                }

                // The DataSource built before the registration asks its listener again every 2 s:
                // connections opened after that trace their statements.
                Await.until(Duration.ofSeconds(15), "a traced statement on a connection of the DataSource built "
                        + "before the tracer was registered", () -> {
                    try {
                        before.execute("select name from whoami", false);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return statements(tracer).size() == 2;
                });
                assertEquals("primary", statements(tracer).get(1).tags().get("governor.datasource"));

                // A connection opened before that stays untraced, so its events stay paired.
                int spans = tracer.finishedSpans().size();
                try (Statement s = openBefore.createStatement()) {
                    s.execute("select name from whoami");
                }
                assertEquals(spans, tracer.finishedSpans().size(), tracer.finishedSpans()::toString);
            }
            before.governance.admin().disableDataSource("orders", "replica_0");
            Await.until("a span for the disabled replica", () -> tracer.finishedSpans().stream().anyMatch(s ->
                    s.operationName().equals("governor.datasource.state") && "DISABLED".equals(s.tags().get("governor.state"))));
        }
    }

    private static List<MockSpan> statements(MockTracer tracer) {
        return tracer.finishedSpans().stream().filter(s -> s.operationName().equals("SELECT orders")).toList();
    }
}
