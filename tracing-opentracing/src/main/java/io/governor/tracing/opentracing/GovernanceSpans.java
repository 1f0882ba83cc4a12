package io.governor.tracing.opentracing;

import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.SqlText;
import io.governor.api.event.StateEvent;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.tag.Tags;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spans of governance events and the error marking shared with statement spans. Each
 * governance span is instantaneous (started and finished at once), a child of the active span when
 * there is one (a lock taken on an application thread) and a root span otherwise (changes applied on
 * Governor's own threads). Stateless.
 */
final class GovernanceSpans {

    static final String COMPONENT = "governor";
    static final String NAMESPACE = "governor.namespace";
    static final String INSTANCE = "governor.instance";
    static final String SUMMARY = "governor.summary";
    static final String ERROR_CODE = "governor.error.code";
    static final String STATE_KIND = "governor.state.kind";
    static final String STATE_SUBJECT = "governor.state.subject";
    static final String STATE = "governor.state";
    static final String LOCK = "governor.lock";
    static final String CENTER = "governor.center";
    static final int MAX_SUMMARY_LENGTH = 1024;

    private GovernanceSpans() {
    }

    /** A configuration change applied ({@code error} null) or rejected. */
    static void configuration(Tracer tracer, ConfigurationEvent e, GovernanceException error) {
        Tracer.SpanBuilder b = tracer.buildSpan(error == null ? "governor.configuration.applied" : "governor.configuration.rejected")
                .withTag(Tags.COMPONENT.getKey(), COMPONENT)
                .withTag(NAMESPACE, e.namespace())
                .withTag(INSTANCE, e.instanceId());
        tagIfSet(b, OpenTracingListener.DATABASE, e.database());
        tagIfSet(b, OpenTracingListener.REVISION, e.revision());
        tagIfSet(b, SUMMARY, SqlText.cap(e.summary(), MAX_SUMMARY_LENGTH));
        if (error != null) {
            b.withTag(ERROR_CODE, error.code().name());
        }
        Span span = b.start();
        if (error != null) {
            fail(span, error);
        }
        span.finish();
    }

    /** A circuit breaker, data source, lock or center connection state change. */
    static void state(Tracer tracer, StateEvent e) {
        Tracer.SpanBuilder b = tracer.buildSpan(name(e.kind()))
                .withTag(Tags.COMPONENT.getKey(), COMPONENT)
                .withTag(NAMESPACE, e.namespace())
                .withTag(STATE_KIND, e.kind().name())
                .withTag(STATE_SUBJECT, e.subject())
                .withTag(STATE, e.state());
        switch (e.kind()) {
            case INSTANCE -> b.withTag(INSTANCE, e.subject());
            case LOCK -> b.withTag(LOCK, e.subject());
            case CONNECTION -> b.withTag(CENTER, e.subject());
            case DATA_SOURCE -> {
                int slash = e.subject().indexOf('/');
                if (slash > 0) {
                    b.withTag(OpenTracingListener.DATABASE, e.subject().substring(0, slash))
                            .withTag(OpenTracingListener.DATA_SOURCE, e.subject().substring(slash + 1));
                }
            }
        }
        boolean failure = "LOST".equals(e.state())
                && (e.kind() == StateEvent.Kind.LOCK || e.kind() == StateEvent.Kind.CONNECTION);
        if (failure) {
            b.withTag(Tags.ERROR.getKey(), true);
        }
        b.start().finish();
    }

    /** {@code getConnection()} failed: circuit-broken instance or no physical connection. */
    static void connectionFailed(Tracer tracer, ConnectionEvent e, Throwable error) {
        Tracer.SpanBuilder b = tracer.buildSpan("getConnection " + e.database())
                .withTag(Tags.COMPONENT.getKey(), OpenTracingListener.COMPONENT)
                .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_CLIENT)
                .withTag(Tags.DB_TYPE.getKey(), "sql")
                .withTag(Tags.DB_INSTANCE.getKey(), e.database())
                .withTag(OpenTracingListener.DATABASE, e.database());
        if (e.dataSource() != null) {
            b.withTag(OpenTracingListener.DATA_SOURCE, e.dataSource()).withTag(OpenTracingListener.REPLICA, e.replica());
        }
        Span span = b.start();
        fail(span, error);
        span.finish();
    }

    /** Marks a span failed the OpenTracing way: tag {@code error=true} and an {@code error} log event. */
    static void fail(Span span, Throwable error) {
        span.setTag(Tags.ERROR.getKey(), true);
        if (error instanceof SQLException sql && sql.getSQLState() != null) {
            span.setTag(OpenTracingListener.SQL_STATE, sql.getSQLState());
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

    private static String name(StateEvent.Kind kind) {
        return switch (kind) {
            case INSTANCE -> "governor.instance.state";
            case DATA_SOURCE -> "governor.datasource.state";
            case CONNECTION -> "governor.center.connection";
            case LOCK -> "governor.lock";
        };
    }

    private static void tagIfSet(Tracer.SpanBuilder b, String key, String value) {
        if (value != null) {
            b.withTag(key, value);
        }
    }
}
