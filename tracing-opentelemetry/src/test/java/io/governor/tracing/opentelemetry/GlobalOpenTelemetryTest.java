package io.governor.tracing.opentelemetry;

import io.governor.test.Await;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalOpenTelemetry; this JVM sets it once, mid-test. */
class GlobalOpenTelemetryTest {

    @Test
    void serviceLoaderListenerTracesOnceGlobalOpenTelemetryIsSetAfterStartUp() throws Exception {
        assertFalse(GlobalOpenTelemetry.isSet());
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        try (GovernedH2 db = new GovernedH2(new OpenTelemetryListener())) {
            db.execute("select name from whoami", false);
            assertFalse(GlobalOpenTelemetry.isSet(), "the listener must not set the global itself");
            GlobalOpenTelemetry.set(sdk);
            // The listener looks at the global at most once a second.
            Await.until(Duration.ofSeconds(10), "a statement span once the global is set", () -> {
                try {
                    db.execute("select name from whoami", true);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return !exporter.getFinishedSpanItems().isEmpty();
            });
            assertTrue(exporter.getFinishedSpanItems().stream().allMatch(s -> s.getName().equals("SELECT orders")));
            assertEquals("replica_0", exporter.getFinishedSpanItems().get(0).getAttributes()
                    .get(io.opentelemetry.api.common.AttributeKey.stringKey("governor.datasource")));
        } finally {
            sdk.close(); // also empties the exporter
            GlobalOpenTelemetry.resetForTest();
        }
    }
}
