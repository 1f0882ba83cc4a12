package io.governor.tracing.opentelemetry;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

/**
 * What the listener records. Immutable.
 *
 * @param enabled             whether the listener does anything at all
 * @param captureParameters   whether bind parameters are recorded
 * @param maxStatementLength  statement text is cut to this many characters; 0 omits it
 * @param maxParameters       at most this many bind parameters are recorded
 * @param maxParameterLength  each recorded bind parameter is cut to this many characters
 * @param governanceEvents    whether configuration and state events are traced
 */
record Settings(boolean enabled, boolean captureParameters, int maxStatementLength, int maxParameters,
                int maxParameterLength, boolean governanceEvents) {

    static final String PREFIX = "governor.tracing.";
    static final String ENABLED = PREFIX + "opentelemetry.enabled";
    static final String CAPTURE_PARAMETERS = PREFIX + "capture-parameters";
    static final String MAX_STATEMENT_LENGTH = PREFIX + "max-statement-length";
    static final String MAX_PARAMETERS = PREFIX + "max-parameters";
    static final String MAX_PARAMETER_LENGTH = PREFIX + "max-parameter-length";
    static final String GOVERNANCE_EVENTS = PREFIX + "governance-events";

    static final int DEFAULT_MAX_STATEMENT_LENGTH = 2048;
    static final int DEFAULT_MAX_PARAMETERS = 32;
    static final int DEFAULT_MAX_PARAMETER_LENGTH = 256;
    /** Attribute keys of parameters are made once per listener, so their number is bounded. */
    static final int MAX_PARAMETERS_LIMIT = 1024;

    Settings {
        atLeast("maxStatementLength", maxStatementLength, 0);
        atLeast("maxParameters", maxParameters, 0);
        if (maxParameters > MAX_PARAMETERS_LIMIT) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG,
                    "OpenTelemetry listener: maxParameters is " + maxParameters + ", must be at most " + MAX_PARAMETERS_LIMIT);
        }
        atLeast("maxParameterLength", maxParameterLength, 1);
    }

    /** The settings given by system properties, defaults for those not set. */
    static Settings fromSystemProperties() {
        return new Settings(bool(ENABLED, true), bool(CAPTURE_PARAMETERS, false),
                integer(MAX_STATEMENT_LENGTH, DEFAULT_MAX_STATEMENT_LENGTH), integer(MAX_PARAMETERS, DEFAULT_MAX_PARAMETERS),
                integer(MAX_PARAMETER_LENGTH, DEFAULT_MAX_PARAMETER_LENGTH), bool(GOVERNANCE_EVENTS, true));
    }

    private static boolean bool(String key, boolean dflt) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, v, "true or false");
        };
    }

    private static int integer(String key, int dflt) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v, "an integer");
        }
    }

    private static GovernanceException invalid(String key, String value, String expected) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG,
                "OpenTelemetry listener: system property " + key + " is '" + value + "', expected " + expected);
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG,
                    "OpenTelemetry listener: " + name + " is " + value + ", must be at least " + min);
        }
    }
}
