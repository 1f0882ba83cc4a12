package io.governor.tracing.opentelemetry;

import io.governor.core.fixture.GovernedH2;
import io.governor.api.repository.LockLease;
import io.governor.test.Await;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the OpenTelemetry listener records for a governed H2 database, seen by the SDK's in-memory exporter. */
class OpenTelemetrySdkTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    private final Tracer appTracer = sdk.getTracer("application");
    private GovernedH2 h2;

    private GovernedH2 start(OpenTelemetryListener.Builder listener) {
        h2 = new GovernedH2(listener.openTelemetry(sdk).build());
        return h2;
    }

    @AfterEach
    void tearDown() throws SQLException {
        if (h2 != null) {
            h2.close();
        }
        sdk.close();
    }

    private SpanData only(String name) {
        List<SpanData> spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertEquals(1, spans.size(), () -> "spans named '" + name + "': " + exporter.getFinishedSpanItems());
        return spans.get(0);
    }

    private SpanData await(String name, Predicate<SpanData> accept) {
        return Await.value(WAIT, "a finished span '" + name + "'", () -> exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name) && accept.test(s)).findFirst());
    }

    private static <T> T attr(SpanData s, AttributeKey<T> key) {
        return s.getAttributes().get(key);
    }

    private static EventData exception(SpanData s) {
        return s.getEvents().stream().filter(e -> e.getName().equals("exception")).findFirst().orElse(null);
    }

    @Test
    @SuppressWarnings("try") // the scope is only held open
    void statementSpanIsChildOfTheCurrentApplicationSpan() throws Exception {
        GovernedH2 db = start(OpenTelemetryListener.builder());
        Span app = appTracer.spanBuilder("handle-order").startSpan();
        try (Scope ignored = app.makeCurrent()) {
            db.execute("select name from whoami", false);
        } finally {
            app.end();
        }
        SpanData statement = only("SELECT orders");
        assertEquals(app.getSpanContext().getSpanId(), statement.getParentSpanId());
        assertEquals(app.getSpanContext().getTraceId(), statement.getTraceId());
        assertEquals(OpenTelemetryListener.INSTRUMENTATION_NAME, statement.getInstrumentationScopeInfo().getName());
    }

    @Test
    void statementSpanFollowsTheDatabaseConventionsAndNamesTheDataSource() throws Exception {
        SpanData s = selected(OpenTelemetryListener.builder(), "select name from whoami", false);
        assertEquals(SpanKind.CLIENT, s.getKind());
        assertEquals("h2", attr(s, stringKey("db.system")));
        assertEquals("h2database", attr(s, stringKey("db.system.name")));
        assertEquals("orders", attr(s, stringKey("db.namespace")));
        assertEquals("SELECT", attr(s, stringKey("db.operation.name")));
        assertEquals("select name from whoami", attr(s, stringKey("db.query.text")));
        assertEquals("orders", attr(s, stringKey("governor.database")));
        assertEquals("primary", attr(s, stringKey("governor.datasource")));
        assertEquals(false, attr(s, booleanKey("governor.replica")));
        assertNull(attr(s, stringKey("server.address")), "an in-memory H2 URL names no server");
        assertEquals(StatusCode.UNSET, s.getStatus().getStatusCode());
    }

    @Test
    void serverAddressAndPortComeFromTheDataSourceUrl() throws Exception {
        h2 = new GovernedH2(true, OpenTelemetryListener.builder().openTelemetry(sdk).build());
        h2.execute("select name from whoami", true);
        SpanData s = only("SELECT orders");
        assertEquals("localhost", attr(s, stringKey("server.address")));
        assertEquals((long) h2.port(), attr(s, longKey("server.port")));
        assertEquals("replica_0", attr(s, stringKey("governor.datasource")));
    }

    @Test
    void failedStatementSpanHasErrorStatusAndRecordsTheException() throws Exception {
        GovernedH2 db = start(OpenTelemetryListener.builder());
        SQLException thrown = assertThrows(SQLException.class, () -> db.execute("select * from no_such_table", false));
        SpanData s = only("SELECT orders");
        assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
        assertEquals(thrown.getMessage(), s.getStatus().getDescription());
        assertEquals(thrown.getClass().getName(), attr(s, stringKey("error.type")));
        assertEquals(thrown.getSQLState(), attr(s, stringKey("db.response.status_code")));
        EventData exception = exception(s);
        assertNotNull(exception, () -> "exception event in " + s.getEvents());
        assertEquals(thrown.getClass().getName(), exception.getAttributes().get(stringKey("exception.type")));
        assertEquals(thrown.getMessage(), exception.getAttributes().get(stringKey("exception.message")));
    }

    @Test
    void replicaReadIsTaggedWithTheReplica() throws Exception {
        SpanData s = selected(OpenTelemetryListener.builder(), "select name from whoami", true);
        assertEquals("replica_0", attr(s, stringKey("governor.datasource")));
        assertEquals(true, attr(s, booleanKey("governor.replica")));
    }

    @Test
    void bindParametersAreAbsentByDefault() throws Exception {
        start(OpenTelemetryListener.builder()).insert(42, "alice@example.com");
        SpanData s = only("INSERT orders");
        assertEquals("insert into t values (?, ?)", attr(s, stringKey("db.query.text")));
        assertTrue(s.getAttributes().asMap().keySet().stream().noneMatch(k -> k.getKey().startsWith("db.query.parameter")),
                s.getAttributes()::toString);
        assertFalse(s.getAttributes().asMap().containsValue("alice@example.com"));
    }

    @Test
    void bindParametersAreRecordedWhenEnabledUpToTheCaps() throws Exception {
        start(OpenTelemetryListener.builder().captureParameters(true).maxParameters(1).maxParameterLength(5))
                .insert(42, "alice@example.com");
        SpanData s = only("INSERT orders");
        assertEquals("42", attr(s, stringKey("db.query.parameter.0")));
        assertNull(attr(s, stringKey("db.query.parameter.1")), "only maxParameters parameters are recorded");
        assertEquals(2L, attr(s, longKey("governor.parameter.count")));

        h2.close();
        h2 = null;
        exporter.reset();
        GovernedH2 db2 = start(OpenTelemetryListener.builder().captureParameters(true).maxParameterLength(5));
        db2.insert(7, "alice@example.com");
        SpanData s2 = only("INSERT orders");
        assertEquals("7", attr(s2, stringKey("db.query.parameter.0")));
        assertEquals("alice", attr(s2, stringKey("db.query.parameter.1")));
    }

    @Test
    void statementTextIsCutAtTheConfiguredLength() throws Exception {
        SpanData s = selected(OpenTelemetryListener.builder().maxStatementLength(20),
                "select name from whoami where name <> 'a rather long literal'", false);
        assertEquals("select name from who", attr(s, stringKey("db.query.text")));
        assertEquals(true, attr(s, booleanKey("governor.statement.truncated")));
    }

    @Test
    void configurationChangeAppliedByAdminIsRecordedWithItsRevision() throws Exception {
        GovernedH2 db = start(OpenTelemetryListener.builder());
        String revision = db.changeRules();
        SpanData applied = await("governor.configuration.applied", s -> revision.equals(attr(s, stringKey("governor.revision"))));
        assertEquals("orders", attr(applied, stringKey("governor.database")));
        assertEquals("order-service", attr(applied, stringKey("governor.namespace")));
        assertEquals(db.governance.instanceId(), attr(applied, stringKey("governor.instance")));
        assertNotNull(attr(applied, stringKey("governor.summary")));
        assertEquals(SpanKind.INTERNAL, applied.getKind());

        db.execute("select name from whoami", false);
        assertEquals(revision, attr(only("SELECT orders"), stringKey("governor.revision")),
                "statements after the change name the revision they ran under");
    }

    @Test
    void rejectedConfigurationIsRecordedAsFailed() {
        start(OpenTelemetryListener.builder()).publishRejectedChange();
        SpanData rejected = await("governor.configuration.rejected", s -> true);
        assertEquals(StatusCode.ERROR, rejected.getStatus().getStatusCode());
        assertEquals("INVALID_CONFIG", attr(rejected, stringKey("governor.error.code")));
        assertNotNull(exception(rejected));
    }

    @Test
    @SuppressWarnings("try") // the scope is only held open
    void disabledReplicaAndLockAreRecorded() throws Exception {
        GovernedH2 db = start(OpenTelemetryListener.builder());
        db.governance.admin().disableDataSource("orders", "replica_0");
        SpanData disabled = await("governor.datasource.state", s -> "DISABLED".equals(attr(s, stringKey("governor.state"))));
        assertEquals("replica_0", attr(disabled, stringKey("governor.datasource")));

        Span job = appTracer.spanBuilder("nightly-job").startSpan();
        try (Scope ignored = job.makeCurrent()) {
            Optional<LockLease> lease = db.governance.lock("migration").tryLock(Duration.ofSeconds(10));
            assertTrue(lease.isPresent());
            lease.get().close();
        } finally {
            job.end();
        }
        SpanData acquired = await("governor.lock", s -> "ACQUIRED".equals(attr(s, stringKey("governor.state"))));
        SpanData released = await("governor.lock", s -> "RELEASED".equals(attr(s, stringKey("governor.state"))));
        assertEquals("migration", attr(acquired, stringKey("governor.lock")));
        assertEquals(job.getSpanContext().getSpanId(), acquired.getParentSpanId());
        assertEquals(job.getSpanContext().getSpanId(), released.getParentSpanId());
    }

    @Test
    void circuitBrokenGetConnectionIsRecordedAsFailed() {
        GovernedH2 db = start(OpenTelemetryListener.builder());
        db.governance.admin().circuitBreak(db.governance.instanceId());
        await("governor.instance.state", s -> "CIRCUIT_BREAKER".equals(attr(s, stringKey("governor.state"))));
        assertThrows(SQLTransientConnectionException.class, () -> db.dataSource().getConnection());
        SpanData failed = only("getConnection orders");
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals(SQLTransientConnectionException.class.getName(), attr(failed, stringKey("error.type")));
    }

    /** Starts Governor with {@code listener}, runs the query {@code sql} and returns its only span. */
    private SpanData selected(OpenTelemetryListener.Builder listener, String sql, boolean onReplica) throws Exception {
        start(listener).execute(sql, onReplica);
        return only("SELECT orders");
    }

}
