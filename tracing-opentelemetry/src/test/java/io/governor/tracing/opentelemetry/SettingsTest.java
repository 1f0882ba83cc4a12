package io.governor.tracing.opentelemetry;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.event.TracingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance reads its settings from system properties (this class runs in its own JVM). */
class SettingsTest {

    private static final List<String> KEYS = List.of(OpenTelemetryListener.ENABLED, TracingSettings.CAPTURE_PARAMETERS,
            TracingSettings.MAX_STATEMENT_LENGTH, TracingSettings.MAX_PARAMETERS, TracingSettings.MAX_PARAMETER_LENGTH,
            TracingSettings.GOVERNANCE_EVENTS);

    @AfterEach
    void clearProperties() {
        KEYS.forEach(System::clearProperty);
    }

    @Test
    void defaultsRecordNoParametersAndCapStatementsAt2048() {
        TracingSettings s = new OpenTelemetryListener().settings();
        assertTrue(s.enabled());
        assertFalse(s.captureParameters());
        assertEquals(2048, s.maxStatementLength());
        assertEquals(32, s.maxParameters());
        assertEquals(256, s.maxParameterLength());
        assertTrue(s.governanceEvents());
    }

    @Test
    void systemPropertiesConfigureTheServiceLoaderInstance() {
        System.setProperty("governor.tracing.opentelemetry.enabled", "false");
        System.setProperty("governor.tracing.capture-parameters", "TRUE");
        System.setProperty("governor.tracing.max-statement-length", "100");
        System.setProperty("governor.tracing.max-parameters", "4");
        System.setProperty("governor.tracing.max-parameter-length", "16");
        System.setProperty("governor.tracing.governance-events", "false");
        TracingSettings s = new OpenTelemetryListener().settings();
        assertFalse(s.enabled());
        assertTrue(s.captureParameters());
        assertEquals(100, s.maxStatementLength());
        assertEquals(4, s.maxParameters());
        assertEquals(16, s.maxParameterLength());
        assertFalse(s.governanceEvents());
    }

    @Test
    void malformedPropertyIsRejectedNamingIt() {
        System.setProperty("governor.tracing.max-statement-length", "lots");
        GovernanceException e = assertThrows(GovernanceException.class, OpenTelemetryListener::new);
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("governor.tracing.max-statement-length"), e.getMessage());
    }

    @Test
    void negativeLengthIsRejectedByTheBuilder() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> OpenTelemetryListener.builder().maxStatementLength(-1).build());
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }
}
