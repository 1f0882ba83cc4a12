package io.governor.tracing.opentelemetry;

import io.governor.core.fixture.NoTracerContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/** Without OpenTelemetry the listener does nothing. This JVM never sets GlobalOpenTelemetry. */
class NoOpenTelemetryTest extends NoTracerContract {

    NoOpenTelemetryTest() {
        super(OpenTelemetryListener::new, () -> OpenTelemetryListener.builder().openTelemetry(OpenTelemetry.noop()).build(),
                enabled -> OpenTelemetryListener.builder().openTelemetry(OpenTelemetrySdk.builder().build()).enabled(enabled).build(),
                GlobalOpenTelemetry::isSet);
    }
}
