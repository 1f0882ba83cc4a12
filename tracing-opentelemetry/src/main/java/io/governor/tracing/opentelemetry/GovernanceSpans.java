package io.governor.tracing.opentelemetry;

import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.SqlText;
import io.governor.api.event.StateEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

import java.sql.SQLException;

/**
 * The spans of governance events and the error marking shared with statement spans. Each
 * governance span is instantaneous, a child of the current span when there is one (a lock taken in
 * a traced job) and a root span otherwise (changes applied on Governor's own threads). Stateless.
 */
final class GovernanceSpans {

    static final int MAX_SUMMARY_LENGTH = 1024;

    private GovernanceSpans() {
    }

    /** A configuration change applied ({@code error} null) or rejected. */
    static void configuration(Tracer tracer, ConfigurationEvent e, GovernanceException error) {
        SpanBuilder b = tracer.spanBuilder(error == null ? "governor.configuration.applied" : "governor.configuration.rejected")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(Attributes.NAMESPACE, e.namespace())
                .setAttribute(Attributes.INSTANCE, e.instanceId());
        if (e.database() != null) {
            b.setAttribute(Attributes.DATABASE, e.database());
        }
        if (e.revision() != null) {
            b.setAttribute(Attributes.REVISION, e.revision());
        }
        if (e.summary() != null) {
            b.setAttribute(Attributes.SUMMARY, SqlText.cap(e.summary(), MAX_SUMMARY_LENGTH));
        }
        if (error != null) {
            b.setAttribute(Attributes.ERROR_CODE, error.code().name());
        }
        Span span = b.startSpan();
        if (error != null) {
            fail(span, error);
        }
        span.end();
    }

    /** A circuit breaker, data source, lock or center connection state change. */
    static void state(Tracer tracer, StateEvent e) {
        SpanBuilder b = tracer.spanBuilder(name(e.kind()))
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
        if ("LOST".equals(e.state()) && (e.kind() == StateEvent.Kind.LOCK || e.kind() == StateEvent.Kind.CONNECTION)) {
            span.setStatus(StatusCode.ERROR, e.kind() == StateEvent.Kind.LOCK ? "lock lost" : "center connection lost");
        }
        span.end();
    }

    /** {@code getConnection()} failed: circuit-broken instance or no physical connection. */
    static void connectionFailed(Tracer tracer, ConnectionEvent e, Throwable error) {
        SpanBuilder b = tracer.spanBuilder("getConnection " + e.database())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(Attributes.DB_NAMESPACE, e.database())
                .setAttribute(Attributes.DATABASE, e.database());
        if (e.dataSource() != null) {
            b.setAttribute(Attributes.DATA_SOURCE, e.dataSource()).setAttribute(Attributes.REPLICA, e.replica());
        }
        Span span = b.startSpan();
        fail(span, error);
        span.end();
    }

    /** Marks a span failed: status ERROR with the message, {@code error.type}, the exception recorded. */
    static void fail(Span span, Throwable error) {
        span.setStatus(StatusCode.ERROR, error.getMessage() == null ? error.getClass().getName() : error.getMessage());
        span.setAttribute(Attributes.ERROR_TYPE, error.getClass().getName());
        if (error instanceof SQLException sql && sql.getSQLState() != null) {
            span.setAttribute(Attributes.DB_RESPONSE_STATUS_CODE, sql.getSQLState());
        }
        span.recordException(error);
    }

    private static String name(StateEvent.Kind kind) {
        return switch (kind) {
            case INSTANCE -> "governor.instance.state";
            case DATA_SOURCE -> "governor.datasource.state";
            case CONNECTION -> "governor.center.connection";
            case LOCK -> "governor.lock";
        };
    }
}
