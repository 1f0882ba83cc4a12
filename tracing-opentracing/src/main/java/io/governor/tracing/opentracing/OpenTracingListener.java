package io.governor.tracing.opentracing;

import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.JdbcEndpoint;
import io.governor.api.event.StateEvent;
import io.governor.api.event.StatementEvent;
import io.governor.api.event.TracingListener;
import io.governor.api.event.TracingSettings;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.noop.NoopTracer;
import io.opentracing.tag.Tags;
import io.opentracing.util.GlobalTracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports governed JDBC statements and governance events to an OpenTracing tracer: one client span
 * per statement execution, child of the application's active span, and one span per configuration
 * change, state change and failed {@code getConnection()}. What each span carries is listed in
 * {@code docs/tracing.md}.
 *
 * <p>Found through {@link java.util.ServiceLoader} when this module is on the classpath; that
 * instance uses {@link GlobalTracer} and reads its settings from system properties
 * ({@code governor.tracing.*}). An application that wants its own tracer or settings builds one with
 * {@link #builder()} and registers it on the {@code Governance} builder (with
 * {@code serviceLoaderListeners(false)}, or {@code governor.tracing.opentracing.enabled=false}, so
 * that statements are not traced twice).
 *
 * <p>Statements are traced when a tracer was given, or once one is registered with
 * {@link GlobalTracer}: on connections opened from a few seconds after its registration (see
 * {@link #observesJdbc()}). While no tracer is there, every method returns after one volatile read
 * and allocates nothing. Statement spans are started but not
 * activated, so nothing is left on the tracer's scope stack if a statement's end is never reported.
 *
 * <p>Only OpenTracing calls that exist since API 0.30 are made (string-keyed tags, {@code start()},
 * {@code log(Map)}, {@code finish()}), so tracers built for that API, such as SkyWalking's
 * {@code SkywalkingTracer}, work too.
 *
 * <p>Thread-safe; never throws (what the tracer throws is caught and logged by Governor core).
 */
public final class OpenTracingListener extends TracingListener<Tracer, Span> {

    private static final Logger LOG = LoggerFactory.getLogger(OpenTracingListener.class);

    /** The {@code component} tag of every span. */
    public static final String COMPONENT = "governor-jdbc";

    static final String DATABASE = "governor.database";
    static final String DATA_SOURCE = "governor.datasource";
    static final String REPLICA = "governor.replica";
    static final String REVISION = "governor.revision";
    static final String SQL_STATE = "governor.sql.state";
    static final String STATEMENT_TRUNCATED = "governor.statement.truncated";
    static final String PARAMETER_COUNT = "governor.parameter.count";
    static final String PARAMETER_PREFIX = "db.statement.parameter.";
    static final String PEER_ADDRESS = "peer.address";
    /** The {@code component} tag of governance event spans (statement spans carry {@link #COMPONENT}). */
    static final String GOVERNANCE_COMPONENT = "governor";
    static final String NAMESPACE = "governor.namespace";
    static final String INSTANCE = "governor.instance";
    static final String SUMMARY = "governor.summary";
    static final String ERROR_CODE = "governor.error.code";
    static final String STATE_KIND = "governor.state.kind";
    static final String STATE_SUBJECT = "governor.state.subject";
    static final String STATE = "governor.state";
    static final String LOCK = "governor.lock";
    static final String CENTER = "governor.center";
    /** The system property that turns the ServiceLoader instance off. */
    static final String ENABLED = TracingSettings.PREFIX + "opentracing.enabled";
    private static final String NAME = "OpenTracing listener";

    private final Tracer tracer;
    private final boolean global;
    /** Whether the missing global tracer was logged (once per listener, not at every ask). */
    private final AtomicBoolean toldNoTracer = new AtomicBoolean();

    /**
     * The instance {@link java.util.ServiceLoader} creates: traces to {@link GlobalTracer} once a
     * tracer is registered there, with settings from system properties.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} if a {@code governor.tracing.*} property is malformed
     */
    public OpenTracingListener() {
        this(null, TracingSettings.fromSystemProperties(NAME, ENABLED));
    }

    private OpenTracingListener(Tracer tracer, TracingSettings settings) {
        super(settings);
        this.global = settings.enabled() && tracer == null;
        this.tracer = !settings.enabled() || tracer instanceof NoopTracer ? null : tracer;
    }

    /** A builder with the defaults (global tracer, no bind parameters, statements cut at 2048 characters). */
    public static Builder builder() {
        return new Builder();
    }

    /** The tracer to use now, or null when tracing is off: the check every method starts with. */
    @Override
    protected Tracer tracer() {
        if (tracer != null) {
            return tracer;
        }
        return global && GlobalTracer.isRegistered() ? GlobalTracer.get() : null;
    }

    /**
     * Whether a tracer is there now: one given to the builder (not a {@code NoopTracer}), or one
     * registered with {@link GlobalTracer}. Core asks when it builds a governed DataSource and, while
     * the answer is false, every 2 seconds after: statements on connections opened once a global
     * tracer is registered are traced; until then statements cost nothing. Governance events follow
     * the global tracer at any time.
     */
    @Override
    public boolean observesJdbc() {
        boolean observes = tracer() != null;
        if (!observes && global && toldNoTracer.compareAndSet(false, true)) {
            LOG.info("OpenTracing listener: no tracer is registered with GlobalTracer yet, so statements are not traced "
                    + "until one is; connections opened within a few seconds after its registration are traced");
        }
        return observes;
    }

    @Override
    protected Span startStatement(Tracer t, StatementEvent e) {
        Tracer.SpanBuilder b = t.buildSpan(e.summary())
                .withTag(Tags.COMPONENT.getKey(), COMPONENT)
                .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_CLIENT)
                .withTag(Tags.DB_TYPE.getKey(), "sql")
                .withTag(Tags.DB_INSTANCE.getKey(), e.database())
                .withTag(DATABASE, e.database())
                .withTag(DATA_SOURCE, e.dataSource())
                .withTag(REPLICA, e.replica());
        JdbcEndpoint endpoint = e.endpoint();
        if (endpoint.host() != null) {
            b.withTag(Tags.PEER_HOSTNAME.getKey(), endpoint.host()).withTag(PEER_ADDRESS, endpoint.address());
            if (endpoint.port() > 0) {
                b.withTag(Tags.PEER_PORT.getKey(), endpoint.port());
            }
        }
        tagIfSet(b, REVISION, revision(e.database()));
        String text = settings().statementText(e.sql());
        if (text != null) {
            b.withTag(Tags.DB_STATEMENT.getKey(), text);
            if (text.length() < e.sql().length()) {
                b.withTag(STATEMENT_TRUNCATED, true);
            }
        }
        List<Object> parameters = e.parameters();
        if (settings().captureParameters() && !parameters.isEmpty()) {
            b.withTag(PARAMETER_COUNT, parameters.size());
            int n = settings().parametersToRecord(parameters);
            for (int i = 0; i < n; i++) {
                b.withTag(PARAMETER_PREFIX + i, settings().parameterText(parameters.get(i)));
            }
        }
        return b.start();
    }

    /** Marks a failed span the OpenTracing way: tag {@code error=true} and an {@code error} log event. */
    @Override
    protected void endSpan(Span span, Throwable error) {
        if (error != null) {
            span.setTag(Tags.ERROR.getKey(), true);
            if (error instanceof SQLException sql && sql.getSQLState() != null) {
                span.setTag(SQL_STATE, sql.getSQLState());
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("event", Tags.ERROR.getKey());
            fields.put("error.kind", error.getClass().getName());
            fields.put("error.object", error);
            if (error.getMessage() != null) {
                fields.put("message", error.getMessage());
            }
            span.log(fields);
        }
        span.finish();
    }

    /*
     * Each governance span is instantaneous (started and finished at once), a child of the active
     * span when there is one (a lock taken on an application thread) and a root span otherwise
     * (changes applied on Governor's own threads).
     */

    @Override
    protected Span startConnectionFailure(Tracer t, ConnectionEvent e) {
        Tracer.SpanBuilder b = t.buildSpan("getConnection " + e.database())
                .withTag(Tags.COMPONENT.getKey(), COMPONENT)
                .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_CLIENT)
                .withTag(Tags.DB_TYPE.getKey(), "sql")
                .withTag(Tags.DB_INSTANCE.getKey(), e.database())
                .withTag(DATABASE, e.database());
        if (e.dataSource() != null) {
            b.withTag(DATA_SOURCE, e.dataSource()).withTag(REPLICA, e.replica());
        }
        return b.start();
    }

    @Override
    protected Span startConfiguration(Tracer t, ConfigurationEvent e, GovernanceException error) {
        Tracer.SpanBuilder b = t.buildSpan(error == null ? "governor.configuration.applied" : "governor.configuration.rejected")
                .withTag(Tags.COMPONENT.getKey(), GOVERNANCE_COMPONENT)
                .withTag(NAMESPACE, e.namespace())
                .withTag(INSTANCE, e.instanceId());
        tagIfSet(b, DATABASE, e.database());
        tagIfSet(b, REVISION, e.revision());
        tagIfSet(b, SUMMARY, summary(e));
        tagIfSet(b, ERROR_CODE, error == null ? null : error.code().name());
        return b.start();
    }

    @Override
    protected Span startState(Tracer t, StateEvent e) {
        Tracer.SpanBuilder b = t.buildSpan(spanName(e.kind()))
                .withTag(Tags.COMPONENT.getKey(), GOVERNANCE_COMPONENT)
                .withTag(NAMESPACE, e.namespace())
                .withTag(STATE_KIND, e.kind().name())
                .withTag(STATE_SUBJECT, e.subject())
                .withTag(STATE, e.state());
        String subjectTag = switch (e.kind()) {
            case INSTANCE -> INSTANCE;
            case LOCK -> LOCK;
            case CONNECTION -> CENTER;
            case DATA_SOURCE -> null;
        };
        int slash = e.subject().indexOf('/');
        if (subjectTag != null) {
            b.withTag(subjectTag, e.subject());
        } else if (slash > 0) {
            b.withTag(DATABASE, e.subject().substring(0, slash)).withTag(DATA_SOURCE, e.subject().substring(slash + 1));
        }
        if (loss(e) != null) {
            b.withTag(Tags.ERROR.getKey(), true);
        }
        return b.start();
    }

    private static void tagIfSet(Tracer.SpanBuilder b, String key, String value) {
        if (value != null) {
            b.withTag(key, value);
        }
    }

    /**
     * Builds an {@link OpenTracingListener}; the settings and their defaults are those of
     * {@link TracingSettings.Builder} (parameters are recorded as {@code db.statement.parameter.<i>}
     * tags, statement text as {@code db.statement}). Not thread-safe; {@link #build()} validates.
     */
    public static final class Builder extends TracingSettings.Builder<Builder> {
        private Tracer tracer;

        private Builder() {
        }

        /** The tracer to report to; default {@link GlobalTracer} (checked on every call). A {@code NoopTracer} turns tracing off. */
        public Builder tracer(Tracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /**
         * The listener.
         *
         * @throws GovernanceException {@code INVALID_CONFIG} if a length or count is negative
         */
        public OpenTracingListener build() {
            return new OpenTracingListener(tracer, settings(NAME));
        }
    }
}
