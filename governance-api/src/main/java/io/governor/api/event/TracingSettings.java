package io.governor.api.event;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.List;
import java.util.Locale;

/**
 * What a tracing listener records, the same for every tracing module: given to its builder (a
 * subclass of {@link Builder}), or read from the {@code governor.tracing.*} system properties by the
 * instance {@link java.util.ServiceLoader} creates. Validated when made.
 *
 * <p>Immutable and thread-safe.
 *
 * @param listener            the listener's name in error messages ({@code OpenTracing listener})
 * @param enabled             whether the listener does anything at all
 * @param captureParameters   whether bind parameters are recorded
 * @param maxStatementLength  statement text is cut to this many characters; 0 omits it
 * @param maxParameters       at most this many bind parameters are recorded
 * @param maxParameterLength  each recorded bind parameter is cut to this many characters
 * @param governanceEvents    whether configuration and state events are traced
 */
public record TracingSettings(String listener, boolean enabled, boolean captureParameters, int maxStatementLength,
                              int maxParameters, int maxParameterLength, boolean governanceEvents) {

    /** The prefix of every tracing system property. */
    public static final String PREFIX = "governor.tracing.";
    public static final String CAPTURE_PARAMETERS = PREFIX + "capture-parameters";
    public static final String MAX_STATEMENT_LENGTH = PREFIX + "max-statement-length";
    public static final String MAX_PARAMETERS = PREFIX + "max-parameters";
    public static final String MAX_PARAMETER_LENGTH = PREFIX + "max-parameter-length";
    public static final String GOVERNANCE_EVENTS = PREFIX + "governance-events";
    /** The properties every tracing module reads (each adds its own {@code enabled} property). */
    public static final List<String> PROPERTIES = List.of(CAPTURE_PARAMETERS, MAX_STATEMENT_LENGTH, MAX_PARAMETERS,
            MAX_PARAMETER_LENGTH, GOVERNANCE_EVENTS);

    public static final int DEFAULT_MAX_STATEMENT_LENGTH = 2048;
    public static final int DEFAULT_MAX_PARAMETERS = 32;
    public static final int DEFAULT_MAX_PARAMETER_LENGTH = 256;

    /**
     * @throws GovernanceException {@code INVALID_CONFIG} if a length or count is negative, or the
     *                             parameter length is 0
     */
    public TracingSettings {
        atLeast(listener, "maxStatementLength", maxStatementLength, 0);
        atLeast(listener, "maxParameters", maxParameters, 0);
        atLeast(listener, "maxParameterLength", maxParameterLength, 1);
    }

    /**
     * The settings given by system properties, defaults for those not set.
     *
     * @param listener        the listener's name in error messages
     * @param enabledProperty the module's own switch ({@code governor.tracing.opentracing.enabled})
     * @throws GovernanceException {@code INVALID_CONFIG} naming the property if one is malformed
     */
    public static TracingSettings fromSystemProperties(String listener, String enabledProperty) {
        return new TracingSettings(listener, bool(listener, enabledProperty, true),
                bool(listener, CAPTURE_PARAMETERS, false),
                integer(listener, MAX_STATEMENT_LENGTH, DEFAULT_MAX_STATEMENT_LENGTH),
                integer(listener, MAX_PARAMETERS, DEFAULT_MAX_PARAMETERS),
                integer(listener, MAX_PARAMETER_LENGTH, DEFAULT_MAX_PARAMETER_LENGTH),
                bool(listener, GOVERNANCE_EVENTS, true));
    }

    /** The statement text to record: {@code sql} cut to {@link #maxStatementLength()}, or null when none is recorded. */
    public String statementText(String sql) {
        return sql == null || maxStatementLength == 0 ? null : SqlText.cap(sql, maxStatementLength);
    }

    /** How many of {@code parameters} to record: none unless {@link #captureParameters()}, at most {@link #maxParameters()}. */
    public int parametersToRecord(List<Object> parameters) {
        return captureParameters ? Math.min(parameters.size(), maxParameters) : 0;
    }

    /** A bind parameter as recorded: {@code null}, {@code byte[n]}, or its text cut to {@link #maxParameterLength()}. */
    public String parameterText(Object value) {
        return SqlText.parameter(value, maxParameterLength);
    }

    private static boolean bool(String listener, String key, boolean dflt) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(listener, key, v, "true or false");
        };
    }

    private static int integer(String listener, String key, int dflt) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(listener, key, v, "an integer");
        }
    }

    private static GovernanceException invalid(String listener, String key, String value, String expected) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG,
                listener + ": system property " + key + " is '" + value + "', expected " + expected);
    }

    private static void atLeast(String listener, String name, int value, int min) {
        if (value < min) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG,
                    listener + ": " + name + " is " + value + ", must be at least " + min);
        }
    }

    /**
     * The settings half of a tracing listener's builder; the module's builder adds where spans go.
     * Not thread-safe.
     *
     * @param <B> the module's builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        private boolean enabled = true;
        private boolean captureParameters;
        private int maxStatementLength = DEFAULT_MAX_STATEMENT_LENGTH;
        private int maxParameters = DEFAULT_MAX_PARAMETERS;
        private int maxParameterLength = DEFAULT_MAX_PARAMETER_LENGTH;
        private boolean governanceEvents = true;

        protected Builder() {
        }

        /** This builder, as its own type. */
        @SuppressWarnings("unchecked") // B is the subclass, by the declaration Builder<B extends Builder<B>>
        private B self() {
            return (B) this;
        }

        /** Whether the listener traces anything; default true. */
        public B enabled(boolean enabled) {
            this.enabled = enabled;
            return self();
        }

        /** Whether bind parameters are recorded; default false (they may hold personal data). */
        public B captureParameters(boolean capture) {
            this.captureParameters = capture;
            return self();
        }

        /** Statement text is cut to this many characters; 0 leaves it out. Default 2048. */
        public B maxStatementLength(int chars) {
            this.maxStatementLength = chars;
            return self();
        }

        /** At most this many bind parameters are recorded; default 32. */
        public B maxParameters(int count) {
            this.maxParameters = count;
            return self();
        }

        /** Each recorded bind parameter is cut to this many characters; default 256. */
        public B maxParameterLength(int chars) {
            this.maxParameterLength = chars;
            return self();
        }

        /** Whether configuration and state changes are traced; default true. */
        public B governanceEvents(boolean trace) {
            this.governanceEvents = trace;
            return self();
        }

        /**
         * The settings given to this builder.
         *
         * @throws GovernanceException {@code INVALID_CONFIG} if a length or count is negative
         */
        protected TracingSettings settings(String listener) {
            return new TracingSettings(listener, enabled, captureParameters, maxStatementLength, maxParameters,
                    maxParameterLength, governanceEvents);
        }
    }
}
