package io.governor.tracing.opentelemetry;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.JdbcEndpoint;
import io.governor.api.event.StateEvent;
import io.governor.api.event.StatementEvent;
import io.governor.api.event.TracingListener;
import io.governor.api.event.TracingSettings;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports governed JDBC statements and governance events to OpenTelemetry: one {@code CLIENT} span
 * per statement execution, child of the current span, following the database semantic conventions,
 * and one span per configuration change, state change and failed {@code getConnection()}. What each
 * span carries is listed in {@code docs/tracing.md}.
 *
 * <p>Found through {@link java.util.ServiceLoader} when this module is on the classpath; that
 * instance uses {@link GlobalOpenTelemetry} once the application (or the OpenTelemetry Java agent)
 * has set it, and reads its settings from system properties ({@code governor.tracing.*}). It never
 * calls {@link GlobalOpenTelemetry#get()} before then, because that would fix the global to a no-op
 * and make the application's later {@code set} fail. An application that wants its own
 * {@link OpenTelemetry} or settings builds one with {@link #builder()} and registers it on the
 * {@code Governance} builder (with {@code serviceLoaderListeners(false)}, or
 * {@code governor.tracing.opentelemetry.enabled=false}, so that statements are not traced twice).
 *
 * <p>Statements are traced when an OpenTelemetry was given, or once {@link GlobalOpenTelemetry} is
 * set: on connections opened from a few seconds after it was set (see {@link #observesJdbc()}).
 * Until the global is set (and when none was given, or a no-op one was), every method returns after
 * a volatile read and a clock read, allocating nothing; whether the global has been set is asked at
 * most once a second. Statement spans are started but not made current.
 *
 * <p>Thread-safe; never throws (what OpenTelemetry throws is caught and logged by Governor core).
 */
public final class OpenTelemetryListener extends TracingListener<Tracer, Span> {

    /** The instrumentation scope name of every span. */
    public static final String INSTRUMENTATION_NAME = "io.governor.tracing.opentelemetry";

    private static final Logger LOG = LoggerFactory.getLogger(OpenTelemetryListener.class);
    private static final long GLOBAL_CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The system property that turns the ServiceLoader instance off. */
    static final String ENABLED = TracingSettings.PREFIX + "opentelemetry.enabled";
    /** Attribute keys of parameters are made once per listener, so their number is bounded. */
    static final int MAX_PARAMETERS_LIMIT = 1024;
    private static final String NAME = "OpenTelemetry listener";

    private final boolean global;
    private final AttributeKey<String>[] parameterKeys;
    private volatile Tracer tracer;
    private volatile long nextGlobalCheck;
    /** Whether the unset global was logged (once per listener, not at every ask). */
    private final AtomicBoolean toldNotSet = new AtomicBoolean();

    /**
     * The instance {@link java.util.ServiceLoader} creates: traces to {@link GlobalOpenTelemetry}
     * once it is set, with settings from system properties.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} if a {@code governor.tracing.*} property is malformed
     */
    public OpenTelemetryListener() {
        this(null, TracingSettings.fromSystemProperties(NAME, ENABLED));
    }

    private OpenTelemetryListener(OpenTelemetry openTelemetry, TracingSettings settings) {
        super(withinLimit(settings));
        this.global = settings.enabled() && openTelemetry == null;
        this.parameterKeys = Attributes.parameterKeys(settings.captureParameters() ? settings.maxParameters() : 0);
        this.tracer = settings.enabled() && openTelemetry != null ? tracerOf(openTelemetry.getTracerProvider()) : null;
        this.nextGlobalCheck = System.nanoTime();
    }

    private static TracingSettings withinLimit(TracingSettings settings) {
        if (settings.maxParameters() > MAX_PARAMETERS_LIMIT) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, NAME + ": maxParameters is "
                    + settings.maxParameters() + ", must be at most " + MAX_PARAMETERS_LIMIT);
        }
        return settings;
    }

    /** A builder with the defaults (global OpenTelemetry, no bind parameters, statements cut at 2048 characters). */
    public static Builder builder() {
        return new Builder();
    }

    /** The tracer to use now, or null when tracing is off: the check every method starts with. */
    @Override
    protected Tracer tracer() {
        Tracer t = tracer;
        if (t != null || !global) {
            return t;
        }
        long now = System.nanoTime();
        if (now - nextGlobalCheck < 0) {
            return null;
        }
        nextGlobalCheck = now + GLOBAL_CHECK_INTERVAL_NANOS;
        if (!GlobalOpenTelemetry.isSet()) {
            return null;
        }
        t = tracerOf(GlobalOpenTelemetry.getTracerProvider());
        tracer = t;
        return t;
    }

    private static Tracer tracerOf(TracerProvider provider) {
        if (provider == TracerProvider.noop()) {
            return null;
        }
        TracerBuilder b = provider.tracerBuilder(INSTRUMENTATION_NAME);
        String version = OpenTelemetryListener.class.getPackage().getImplementationVersion();
        if (version != null) {
            b.setInstrumentationVersion(version);
        }
        return b.build();
    }

    /**
     * Whether OpenTelemetry is there now: one given to the builder (without the no-op tracer
     * provider), or {@link GlobalOpenTelemetry} set. Core asks when it builds a governed DataSource
     * and, while the answer is false, every 2 seconds after: statements on connections opened once
     * the global is set are traced; until then statements cost nothing. Governance events follow the
     * global at any time.
     */
    @Override
    public boolean observesJdbc() {
        if (tracer != null) {
            return true;
        }
        if (!global) {
            return false;
        }
        nextGlobalCheck = System.nanoTime();
        if (tracer() != null) {
            return true;
        }
        if (toldNotSet.compareAndSet(false, true)) {
            LOG.info("OpenTelemetry listener: GlobalOpenTelemetry is not set yet, so statements are not traced until it "
                    + "is; connections opened within a few seconds after it is set are traced");
        }
        return false;
    }

    @Override
    protected Span startStatement(Tracer t, StatementEvent e) {
        String operation = e.operation();
        JdbcEndpoint endpoint = e.endpoint();
        SpanBuilder b = t.spanBuilder(e.summary())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(Attributes.DB_SYSTEM, endpoint.system())
                .setAttribute(Attributes.DB_SYSTEM_NAME, endpoint.systemName())
                .setAttribute(Attributes.DB_NAMESPACE, e.database())
                .setAttribute(Attributes.DATABASE, e.database())
                .setAttribute(Attributes.DATA_SOURCE, e.dataSource())
                .setAttribute(Attributes.REPLICA, e.replica());
        if (operation != null) {
            b.setAttribute(Attributes.DB_OPERATION_NAME, operation);
        }
        if (endpoint.host() != null) {
            b.setAttribute(Attributes.SERVER_ADDRESS, endpoint.host());
            if (endpoint.port() > 0) {
                b.setAttribute(Attributes.SERVER_PORT, (long) endpoint.port());
            }
        }
        String revision = revision(e.database());
        if (revision != null) {
            b.setAttribute(Attributes.REVISION, revision);
        }
        String text = settings().statementText(e.sql());
        if (text != null) {
            b.setAttribute(Attributes.DB_QUERY_TEXT, text);
            if (text.length() < e.sql().length()) {
                b.setAttribute(Attributes.STATEMENT_TRUNCATED, true);
            }
        }
        if (parameterKeys.length > 0 && !e.parameters().isEmpty()) {
            List<Object> parameters = e.parameters();
            b.setAttribute(Attributes.PARAMETER_COUNT, (long) parameters.size());
            int n = Math.min(parameters.size(), parameterKeys.length);
            for (int i = 0; i < n; i++) {
                b.setAttribute(parameterKeys[i], settings().parameterText(parameters.get(i)));
            }
        }
        return b.startSpan();
    }

    /** Marks a failed span: status ERROR with the message, {@code error.type}, the exception recorded. */
    @Override
    protected void endSpan(Span span, Throwable error) {
        if (error != null) {
            span.setStatus(StatusCode.ERROR, error.getMessage() == null ? error.getClass().getName() : error.getMessage());
            span.setAttribute(Attributes.ERROR_TYPE, error.getClass().getName());
            if (error instanceof SQLException sql && sql.getSQLState() != null) {
                span.setAttribute(Attributes.DB_RESPONSE_STATUS_CODE, sql.getSQLState());
            }
            span.recordException(error);
        }
        span.end();
    }

    /*
     * Each governance span is instantaneous, a child of the current span when there is one (a lock
     * taken in a traced job) and a root span otherwise (changes applied on Governor's own threads).
     */

    @Override
    protected Span startConnectionFailure(Tracer t, ConnectionEvent e) {
        SpanBuilder b = t.spanBuilder("getConnection " + e.database())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(Attributes.DB_NAMESPACE, e.database())
                .setAttribute(Attributes.DATABASE, e.database());
        if (e.dataSource() != null) {
            b.setAttribute(Attributes.DATA_SOURCE, e.dataSource()).setAttribute(Attributes.REPLICA, e.replica());
        }
        return b.startSpan();
    }

    @Override
    protected Span startConfiguration(Tracer t, ConfigurationEvent e, GovernanceException error) {
        SpanBuilder b = t.spanBuilder(error == null ? "governor.configuration.applied" : "governor.configuration.rejected")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(Attributes.NAMESPACE, e.namespace())
                .setAttribute(Attributes.INSTANCE, e.instanceId());
        attributeIfSet(b, Attributes.DATABASE, e.database());
        attributeIfSet(b, Attributes.REVISION, e.revision());
        attributeIfSet(b, Attributes.SUMMARY, summary(e));
        if (error != null) {
            b.setAttribute(Attributes.ERROR_CODE, error.code().name());
        }
        return b.startSpan();
    }

    /** The OpenTelemetry API leaves a null attribute value undefined: set only those there are. */
    private static void attributeIfSet(SpanBuilder b, AttributeKey<String> key, String value) {
        if (value != null) {
            b.setAttribute(key, value);
        }
    }

    @Override
    protected Span startState(Tracer t, StateEvent e) {
        SpanBuilder b = t.spanBuilder(spanName(e.kind()))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(Attributes.NAMESPACE, e.namespace())
                .setAttribute(Attributes.STATE_KIND, e.kind().name())
                .setAttribute(Attributes.STATE_SUBJECT, e.subject())
                .setAttribute(Attributes.STATE, e.state());
        switch (e.kind()) {
            case INSTANCE -> b.setAttribute(Attributes.INSTANCE, e.subject());
            case LOCK -> b.setAttribute(Attributes.LOCK, e.subject());
            case CONNECTION -> b.setAttribute(Attributes.CENTER, e.subject());
            case DATA_SOURCE -> {
                int slash = e.subject().indexOf('/');
                if (slash > 0) {
                    b.setAttribute(Attributes.DATABASE, e.subject().substring(0, slash))
                            .setAttribute(Attributes.DATA_SOURCE, e.subject().substring(slash + 1));
                }
            }
        }
        Span span = b.startSpan();
        String loss = loss(e);
        if (loss != null) {
            span.setStatus(StatusCode.ERROR, loss);
        }
        return span;
    }

    /**
     * Builds an {@link OpenTelemetryListener}; the settings and their defaults are those of
     * {@link TracingSettings.Builder} (parameters are recorded as {@code db.query.parameter.<i>},
     * at most 1024 of them; statement text as {@code db.query.text}). Not thread-safe;
     * {@link #build()} validates.
     */
    public static final class Builder extends TracingSettings.Builder<Builder> {
        private OpenTelemetry openTelemetry;

        private Builder() {
        }

        /**
         * The OpenTelemetry to report to; default {@link GlobalOpenTelemetry} (once set). One whose
         * tracer provider is the no-op one turns tracing off.
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * The listener.
         *
         * @throws GovernanceException {@code INVALID_CONFIG} if a length or count is out of range
         */
        public OpenTelemetryListener build() {
            return new OpenTelemetryListener(openTelemetry, settings(NAME));
        }
    }
}
