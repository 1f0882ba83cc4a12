package io.governor.core.jdbc;

import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StatementEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerEventsTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    /** Records every call; checks that end/failed receive the object that start received. */
    static class Recorder implements GovernanceListener {
        final List<String> calls = new ArrayList<>();
        final List<StatementEvent> statements = new ArrayList<>();

        @Override
        public void connectionStarted(ConnectionEvent e) {
            e.attach(this, "started");
            calls.add("connectionStarted " + e.database());
        }

        @Override
        public void connectionEnded(ConnectionEvent e) {
            calls.add("connectionEnded " + e.dataSource() + " replica=" + e.replica() + paired(e.attachment(this)));
        }

        @Override
        public void connectionFailed(ConnectionEvent e, Throwable error) {
            calls.add("connectionFailed " + error.getClass().getSimpleName() + paired(e.attachment(this)));
        }

        @Override
        public void statementStarted(StatementEvent e) {
            e.attach(this, "started");
            statements.add(e);
            calls.add("statementStarted " + e.dataSource() + " " + e.sql() + " " + e.parameters());
        }

        @Override
        public void statementEnded(StatementEvent e) {
            calls.add("statementEnded " + e.sql() + paired(e.attachment(this)));
        }

        @Override
        public void statementFailed(StatementEvent e, Throwable error) {
            calls.add("statementFailed " + e.sql() + " " + error.getClass().getSimpleName() + paired(e.attachment(this)));
        }

        private static String paired(Object attachment) {
            return "started".equals(attachment) ? "" : " UNPAIRED";
        }
    }

    /** Throws from every method. */
    static final class Throwing implements GovernanceListener {
        @Override
        public void connectionStarted(ConnectionEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void connectionEnded(ConnectionEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void statementStarted(StatementEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void statementEnded(StatementEvent event) {
            throw new IllegalStateException("listener bug");
        }
    }

    private JdbcRuntime runtime(GovernanceListener... listeners) {
        JdbcRuntime rt = h2.runtime(Arrays.asList(listeners));
        rt.apply(h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0"),
                GovernanceProps.empty(), "r1");
        return rt;
    }

    @Test
    void connectionAndStatementEventsArePairedAndNameTheServingDataSource() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        try (Connection c = rt.dataSource().getConnection()) {
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                s.executeQuery("select name from whoami").close();
            }
        }
        assertEquals(List.of("connectionStarted orders", "connectionEnded replica_0 replica=true",
                "statementStarted replica_0 select name from whoami []", "statementEnded select name from whoami"),
                rec.calls);
        StatementEvent e = rec.statements.get(0);
        assertEquals("orders", e.database());
        assertTrue(e.replica());
        assertEquals(Secrets.maskUrl(h2.url("replica_0")), e.jdbcUrl());
    }

    @Test
    void preparedStatementEventsCarryBindParameters() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        try (Connection c = rt.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("insert into t values (?)")) {
            ps.setInt(1, 42);
            ps.executeUpdate();
            ps.clearParameters();
            ps.setNull(1, java.sql.Types.INTEGER);
            ps.addBatch();
            ps.executeBatch();
        }
        assertTrue(rec.calls.contains("statementStarted primary insert into t values (?) [42]"), rec.calls.toString());
        assertTrue(rec.calls.contains("statementStarted primary insert into t values (?) [null]"), rec.calls.toString());
        assertEquals(2, rec.calls.stream().filter(s -> s.startsWith("statementEnded insert")).count(), rec.calls.toString());
    }

    @Test
    void failedStatementReportsFailedWithTheError() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        try (Connection c = rt.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("select * from no_such_table"));
        }
        assertTrue(rec.calls.stream().anyMatch(s -> s.startsWith("statementFailed select * from no_such_table")
                && !s.contains("UNPAIRED")), rec.calls.toString());
    }

    @Test
    void callableStatementIsObservedLikeAPreparedOne() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        try (Connection c = rt.dataSource().getConnection(); CallableStatement cs = c.prepareCall("select ? + 1")) {
            cs.setInt(1, 1);
            assertTrue(cs.execute());
        }
        assertTrue(rec.calls.contains("statementStarted primary select ? + 1 [1]"), rec.calls.toString());
    }

    @Test
    void circuitBrokenGetConnectionReportsFailed() {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        rt.setCircuitBroken(true);
        assertThrows(SQLException.class, () -> rt.dataSource().getConnection());
        assertEquals(List.of("connectionStarted orders", "connectionFailed SQLTransientConnectionException"), rec.calls);
    }

    @Test
    void connectionClosedBeforeFirstUseStillEndsItsEvent() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(rec);
        rt.dataSource().getConnection().close();
        assertEquals(List.of("connectionStarted orders", "connectionEnded null replica=false"), rec.calls);
    }

    @Test
    void throwingListenerDoesNotBreakJdbcOrOtherListeners() throws Exception {
        Recorder rec = new Recorder();
        JdbcRuntime rt = runtime(new Throwing(), rec);
        try (Connection c = rt.dataSource().getConnection()) {
            assertEquals("primary", H2Fixture.whoami(c));
        }
        assertEquals(4, rec.calls.size(), rec.calls.toString());
    }

    @Test
    void withoutListenersNoParametersAreRecorded() throws Exception {
        JdbcRuntime rt = runtime();
        try (Connection c = rt.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("insert into t values (?)")) {
            ps.setInt(1, 7);
            GovernedPreparedStatement governed = ps.unwrap(GovernedPreparedStatement.class);
            assertSame(List.of(), governed.parameters());
            assertTrue(!governed.events.enabled);
            assertEquals(1, ps.executeUpdate());
        }
        JdbcRuntime observed = runtime(new Recorder());
        try (Connection c = observed.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("insert into t values (?)")) {
            ps.setInt(1, 7);
            assertEquals(List.of(7), ps.unwrap(GovernedPreparedStatement.class).parameters());
        }
    }

    @Test
    void listenerThatDoesNotObserveJdbcGetsNoJdbcEventsAndCostsNothing() throws Exception {
        Recorder rec = new Recorder() {
            @Override
            public boolean observesJdbc() {
                return false;
            }
        };
        JdbcRuntime rt = runtime(rec);
        try (Connection c = rt.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("insert into t values (?)")) {
            ps.setInt(1, 8);
            GovernedPreparedStatement governed = ps.unwrap(GovernedPreparedStatement.class);
            assertTrue(!governed.events.enabled, "no event is created for a listener that opts out");
            assertSame(List.of(), governed.parameters());
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(List.of(), rec.calls);
    }

    /** A recorder whose observesJdbc() answer the test sets, counting the asks. */
    static class Switchable extends Recorder {
        volatile boolean observes;
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public boolean observesJdbc() {
            asked.incrementAndGet();
            return observes;
        }
    }

    @Test
    void listenerThatStartsObservingGetsTheEventsOfConnectionsOpenedAfterTheRefresh() throws Exception {
        Switchable late = new Switchable();
        Recorder always = new Recorder();
        JdbcRuntime rt = runtime(late, always);
        assertTrue(rt.refreshObservers(), "a listener that does not observe yet is worth asking again");
        assertEquals(2, late.asked.get());

        Connection openedBefore = rt.dataSource().getConnection();
        late.observes = true;
        try (Connection c = rt.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("select 1");
        }
        assertEquals(List.of(), late.calls, "not asked again yet: no events");

        assertFalse(rt.refreshObservers(), "every listener observes now: nothing left to ask");
        assertFalse(rt.refreshObservers());
        assertEquals(3, late.asked.get(), "a listener that answered true is not asked again");
        try (Connection c = rt.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("select 1");
        }
        assertEquals(List.of("connectionStarted orders", "connectionEnded primary replica=false",
                "statementStarted primary select 1 []", "statementEnded select 1"), late.calls);

        // Opened before the refresh: it reports to the listeners it started with, and only to them.
        int alwaysCalls = always.calls.size();
        try (openedBefore; Statement s = openedBefore.createStatement()) {
            s.execute("select 1");
        }
        assertEquals(4, late.calls.size(), late.calls.toString());
        assertEquals(List.of("connectionEnded primary replica=false", "statementStarted primary select 1 []",
                "statementEnded select 1"), always.calls.subList(alwaysCalls, always.calls.size()));
    }

    @Test
    void listenerThatThrowsFromObservesJdbcIsNotAskedAgain() {
        Switchable throwing = new Switchable() {
            @Override
            public boolean observesJdbc() {
                super.observesJdbc();
                throw new IllegalStateException("boom");
            }
        };
        JdbcRuntime rt = runtime(throwing);
        assertFalse(rt.refreshObservers());
        assertEquals(1, throwing.asked.get());
    }

    @Test
    void closedRuntimeAsksNoListenerAgain() {
        Switchable late = new Switchable();
        JdbcRuntime rt = runtime(late);
        rt.close();
        late.observes = true;
        assertFalse(rt.refreshObservers());
        assertEquals(1, late.asked.get());
    }
}
