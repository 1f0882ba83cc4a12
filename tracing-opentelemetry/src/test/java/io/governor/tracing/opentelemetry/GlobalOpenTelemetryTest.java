package io.governor.tracing.opentelemetry;

import io.governor.core.fixture.GlobalTracerContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ServiceLoader instance follows GlobalOpenTelemetry; this JVM sets it once, mid-test. */
class GlobalOpenTelemetryTest extends GlobalTracerContract {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();

    GlobalOpenTelemetryTest() {
        super(OpenTelemetryListener::new, GlobalOpenTelemetry::isSet);
    }

    @Override
    protected void setGlobal() {
        GlobalOpenTelemetry.set(sdk);
    }

    @Override
    protected List<SpanView> finished() {
        return exporter.getFinishedSpanItems().stream().map(s -> {
            Map<String, Object> tags = new LinkedHashMap<>();
            s.getAttributes().forEach((AttributeKey<?> k, Object v) -> tags.put(k.getKey(), v));
            return new SpanView(s.getName(), tags);
        }).toList();
    }

    @Override
    protected void resetGlobal() {
        sdk.close(); // also empties the exporter
        GlobalOpenTelemetry.resetForTest();
    }
}
