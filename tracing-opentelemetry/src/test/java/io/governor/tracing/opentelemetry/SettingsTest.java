package io.governor.tracing.opentelemetry;

import io.governor.core.fixture.TracingSettingsContract;

/** The ServiceLoader instance reads its settings from system properties (this class runs in its own JVM). */
class SettingsTest extends TracingSettingsContract {

    SettingsTest() {
        super(OpenTelemetryListener::new, "governor.tracing.opentelemetry.enabled",
                n -> OpenTelemetryListener.builder().maxStatementLength(n).build());
    }
}
