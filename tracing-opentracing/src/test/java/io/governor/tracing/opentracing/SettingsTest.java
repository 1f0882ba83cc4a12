package io.governor.tracing.opentracing;

import io.governor.core.fixture.TracingSettingsContract;

/** The ServiceLoader instance reads its settings from system properties (this class runs in its own JVM). */
class SettingsTest extends TracingSettingsContract {

    SettingsTest() {
        super(OpenTracingListener::new, "governor.tracing.opentracing.enabled",
                n -> OpenTracingListener.builder().maxStatementLength(n).build());
    }
}
