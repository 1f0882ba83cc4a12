package io.governor.tracing.opentelemetry;

import io.governor.core.fixture.GovernedH2;
import io.governor.test.Await;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalOpenTelemetry; this JVM sets it once, mid-test. */
class GlobalOpenTelemetryTest {

    @Test
    void statementsAreTracedOnConnectionsOpenedAfterGlobalOpenTelemetryIsSet() throws Exception {
        assertFalse(GlobalOpenTelemetry.isSet());
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        OpenTelemetryListener early = new OpenTelemetryListener();
        try (GovernedH2 before = new GovernedH2(early)) {
            assertFalse(early.observesJdbc());
            assertFalse(GlobalOpenTelemetry.isSet(), "the listener must not set the global itself");
            try (Connection openBefore = before.dataSource().getConnection()) {
                GlobalOpenTelemetry.set(sdk);
                OpenTelemetryListener late = new OpenTelemetryListener();
                try (GovernedH2 after = new GovernedH2(late)) {
                    assertTrue(late.observesJdbc());
                    after.execute("select name from whoami", true);
                    List<SpanData> statements = statements(exporter);
                    assertEquals(1, statements.size(), exporter.getFinishedSpanItems()::toString);
                    assertEquals("replica_0", statements.get(0).getAttributes().get(stringKey("governor.datasource")));
                }

                // The DataSource built before the global was set asks its listener again every 2 s:
                // connections opened after that trace their statements.
                Await.until(Duration.ofSeconds(15), "a traced statement on a connection of the DataSource built "
                        + "before the global was set", () -> {
                    try {
                        before.execute("select name from whoami", false);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return statements(exporter).size() == 2;
                });
                assertEquals("primary", statements(exporter).get(1).getAttributes().get(stringKey("governor.datasource")));

                // A connection opened before that stays untraced, so its events stay paired.
                int spans = exporter.getFinishedSpanItems().size();
                try (Statement s = openBefore.createStatement()) {
                    s.execute("select name from whoami");
                }
                assertEquals(spans, exporter.getFinishedSpanItems().size(), exporter.getFinishedSpanItems()::toString);
            }

            // Governance events follow the global too.
            before.governance.admin().disableDataSource("orders", "replica_0");
            before.governance.admin().enableDataSource("orders", "replica_0");
            Await.until(Duration.ofSeconds(10), "a data source state span from the early listener", () -> {
                if (exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("governor.datasource.state"))) {
                    return true;
                }
                before.governance.admin().disableDataSource("orders", "replica_0");
                before.governance.admin().enableDataSource("orders", "replica_0");
                return false;
            });
        } finally {
            sdk.close(); // also empties the exporter
            GlobalOpenTelemetry.resetForTest();
        }
    }

    private static List<SpanData> statements(InMemorySpanExporter exporter) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("SELECT orders")).toList();
    }
}
