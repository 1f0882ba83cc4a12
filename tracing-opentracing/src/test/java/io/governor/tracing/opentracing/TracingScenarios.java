package io.governor.tracing.opentracing;

import io.governor.core.fixture.GovernedH2;
import io.governor.api.repository.LockLease;
import io.governor.test.Await;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the OpenTracing listener records for a governed H2 database, run once per tracer
 * implementation (the mock tracer and a real Jaeger tracer).
 */
abstract class TracingScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private GovernedH2 h2;

    /** The tracer under test, fresh for each test. */
    abstract Tracer tracer();

    /** The spans it finished so far. */
    abstract List<FinishedSpan> finished();

    /** The id of a span of {@link #tracer()}. */
    abstract long spanId(Span span);

    GovernedH2 start(OpenTracingListener.Builder listener) {
        h2 = new GovernedH2(listener.tracer(tracer()).build());
        return h2;
    }

    @AfterEach
    void closeGovernance() throws SQLException {
        if (h2 != null) {
            h2.close();
        }
    }

    FinishedSpan await(String name, Predicate<FinishedSpan> accept) {
        return Await.value(WAIT, "a finished span '" + name + "'", () -> finished().stream()
                .filter(s -> s.name().equals(name) && accept.test(s)).findFirst());
    }

    FinishedSpan only(String name) {
        List<FinishedSpan> spans = finished().stream().filter(s -> s.name().equals(name)).toList();
        assertEquals(1, spans.size(), () -> "spans named '" + name + "': " + finished());
        return spans.get(0);
    }

    @Test
    @SuppressWarnings("try") // the scope is only held open
    void statementSpanIsChildOfTheApplicationSpan() throws Exception {
        GovernedH2 db = start(OpenTracingListener.builder());
        Span app = tracer().buildSpan("handle-order").start();
        try (Scope ignored = tracer().activateSpan(app)) {
            db.execute("select name from whoami", false);
        } finally {
            app.finish();
        }
        FinishedSpan statement = only("SELECT orders");
        FinishedSpan parent = only("handle-order");
        assertEquals(spanId(app), parent.spanId());
        assertEquals(parent.spanId(), statement.parentId());
        assertEquals(parent.traceId(), statement.traceId());
    }

    @Test
    void statementSpanCarriesDatabaseAndGovernorTags() throws Exception {
        FinishedSpan s = selected(OpenTracingListener.builder(), "select name from whoami", false);
        assertEquals(OpenTracingListener.COMPONENT, s.tag("component"));
        assertEquals("client", s.tag("span.kind"));
        assertEquals("sql", s.tag("db.type"));
        assertEquals("orders", s.tag("db.instance"));
        assertEquals("select name from whoami", s.tag("db.statement"));
        assertEquals("orders", s.tag("governor.database"));
        assertEquals("primary", s.tag("governor.datasource"));
        assertEquals(false, s.tag("governor.replica"));
        assertEquals(h2.governance.appliedRevision("orders"), s.tag("governor.revision"), "the start-up revision");
        assertNull(s.tag("error"));
        assertNull(s.tag("peer.hostname"), "an in-memory H2 URL names no host");
    }

    @Test
    void peerHostAndPortComeFromTheDataSourceUrl() throws Exception {
        h2 = new GovernedH2(true, OpenTracingListener.builder().tracer(tracer()).build());
        h2.execute("select name from whoami", true);
        FinishedSpan s = only("SELECT orders");
        assertEquals("localhost", s.tag("peer.hostname"));
        assertEquals(h2.port(), ((Number) s.tag("peer.port")).intValue());
        assertEquals("localhost:" + h2.port(), s.tag("peer.address"));
        assertEquals("replica_0", s.tag("governor.datasource"));
    }

    @Test
    void failedStatementSpanCarriesErrorKindAndMessage() throws Exception {
        GovernedH2 db = start(OpenTracingListener.builder());
        SQLException thrown = assertThrows(SQLException.class, () -> db.execute("select * from no_such_table", false));
        FinishedSpan s = only("SELECT orders");
        assertEquals(true, s.tag("error"));
        assertEquals(thrown.getSQLState(), s.tag("governor.sql.state"));
        Map<String, ?> log = s.log("error");
        assertNotNull(log, () -> "error log event in " + s.logs());
        assertEquals(thrown.getClass().getName(), log.get("error.kind"));
        assertEquals(thrown.getMessage(), log.get("message"));
    }

    @Test
    void replicaReadIsTaggedWithTheReplica() throws Exception {
        FinishedSpan s = selected(OpenTracingListener.builder(), "select name from whoami", true);
        assertEquals("replica_0", s.tag("governor.datasource"));
        assertEquals(true, s.tag("governor.replica"));
    }

    @Test
    void bindParametersAreAbsentByDefault() throws Exception {
        start(OpenTracingListener.builder()).insert(42, "alice@example.com");
        FinishedSpan s = only("INSERT orders");
        assertEquals("insert into t values (?, ?)", s.tag("db.statement"));
        assertTrue(s.tags().keySet().stream().noneMatch(k -> k.startsWith("db.statement.parameter")), s.tags()::toString);
        assertFalse(s.tags().containsValue("alice@example.com"));
        assertNull(s.tag("governor.parameter.count"));
    }

    @Test
    void bindParametersAreRecordedWhenEnabledUpToTheCaps() throws Exception {
        start(OpenTracingListener.builder().captureParameters(true).maxParameters(1).maxParameterLength(5))
                .insert(42, "alice@example.com");
        FinishedSpan s = only("INSERT orders");
        assertEquals("42", s.tag("db.statement.parameter.0"));
        assertNull(s.tag("db.statement.parameter.1"), "only maxParameters parameters are recorded");
        assertEquals(2, ((Number) s.tag("governor.parameter.count")).intValue());

        h2.close();
        h2 = null;
        GovernedH2 db2 = start(OpenTracingListener.builder().captureParameters(true).maxParameterLength(5));
        db2.insert(7, "alice@example.com");
        FinishedSpan s2 = finished().stream().filter(f -> "7".equals(f.tag("db.statement.parameter.0"))).findFirst().orElseThrow();
        assertEquals("alice", s2.tag("db.statement.parameter.1"));
    }

    @Test
    void statementTextIsCutAtTheConfiguredLength() throws Exception {
        FinishedSpan s = selected(OpenTracingListener.builder().maxStatementLength(20),
                "select name from whoami where name <> 'a rather long literal'", false);
        assertEquals("select name from who", s.tag("db.statement"));
        assertEquals(true, s.tag("governor.statement.truncated"));
    }

    @Test
    void configurationChangeAppliedByAdminIsRecordedWithItsRevision() throws Exception {
        GovernedH2 db = start(OpenTracingListener.builder());
        String revision = db.changeRules();
        FinishedSpan applied = await("governor.configuration.applied", s -> revision.equals(s.tag("governor.revision")));
        assertEquals("orders", applied.tag("governor.database"));
        assertEquals("order-service", applied.tag("governor.namespace"));
        assertEquals(db.governance.instanceId(), applied.tag("governor.instance"));
        assertNotNull(applied.tag("governor.summary"));
        assertNull(applied.tag("error"));

        db.execute("select name from whoami", false);
        assertEquals(revision, only("SELECT orders").tag("governor.revision"),
                "statements after the change name the revision they ran under");
    }

    @Test
    void rejectedConfigurationIsRecordedAsFailed() {
        start(OpenTracingListener.builder()).publishRejectedChange();
        FinishedSpan rejected = await("governor.configuration.rejected", s -> true);
        assertEquals(true, rejected.tag("error"));
        assertEquals("INVALID_CONFIG", rejected.tag("governor.error.code"));
        assertEquals("orders", rejected.tag("governor.database"));
        assertNotNull(rejected.log("error"));
    }

    @Test
    @SuppressWarnings("try") // the scope is only held open
    void disabledReplicaAndLockAreRecorded() throws Exception {
        GovernedH2 db = start(OpenTracingListener.builder());
        db.governance.admin().disableDataSource("orders", "replica_0");
        FinishedSpan disabled = await("governor.datasource.state", s -> "DISABLED".equals(s.tag("governor.state")));
        assertEquals("replica_0", disabled.tag("governor.datasource"));
        assertEquals("orders", disabled.tag("governor.database"));

        Span job = tracer().buildSpan("nightly-job").start();
        try (Scope ignored = tracer().activateSpan(job)) {
            Optional<LockLease> lease = db.governance.lock("migration").tryLock(Duration.ofSeconds(10));
            assertTrue(lease.isPresent());
            lease.get().close();
        } finally {
            job.finish();
        }
        FinishedSpan acquired = await("governor.lock", s -> "ACQUIRED".equals(s.tag("governor.state")));
        FinishedSpan released = await("governor.lock", s -> "RELEASED".equals(s.tag("governor.state")));
        assertEquals("migration", acquired.tag("governor.lock"));
        assertEquals(spanId(job), acquired.parentId(), "a lock taken inside a traced job is a child of the job's span");
        assertEquals(spanId(job), released.parentId());
    }

    @Test
    void circuitBrokenGetConnectionIsRecordedAsFailed() {
        GovernedH2 db = start(OpenTracingListener.builder());
        db.governance.admin().circuitBreak(db.governance.instanceId());
        FinishedSpan state = await("governor.instance.state", s -> "CIRCUIT_BREAKER".equals(s.tag("governor.state")));
        assertEquals(db.governance.instanceId(), state.tag("governor.instance"));
        assertThrows(SQLTransientConnectionException.class, () -> db.dataSource().getConnection());
        FinishedSpan failed = only("getConnection orders");
        assertEquals(true, failed.tag("error"));
        assertEquals(SQLTransientConnectionException.class.getName(), failed.log("error").get("error.kind"));
    }

    /** Starts Governor with {@code listener}, runs the query {@code sql} and returns its only span. */
    private FinishedSpan selected(OpenTracingListener.Builder listener, String sql, boolean onReplica) throws Exception {
        start(listener).execute(sql, onReplica);
        return only("SELECT orders");
    }

}
