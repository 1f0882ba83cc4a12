package io.governor.tracing.opentelemetry;

import io.governor.api.event.ConnectionEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StateEvent;
import io.governor.api.event.StatementEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without OpenTelemetry the listener does nothing. This JVM never sets GlobalOpenTelemetry. */
class NoOpenTelemetryTest {

    /** Records, at the end of each statement, what the tracing listener attached to it. */
    static final class Probe implements GovernanceListener {
        final Object key;
        final List<Object> attachments = new ArrayList<>();

        Probe(Object key) {
            this.key = key;
        }

        @Override
        public void statementEnded(StatementEvent e) {
            attachments.add(e.attachment(key));
        }
    }

    @Test
    void listenerWithoutTracerOptsOutOfJdbcEvents() {
        assertFalse(new OpenTelemetryListener().observesJdbc());
        assertFalse(OpenTelemetryListener.builder().openTelemetry(OpenTelemetry.noop()).build().observesJdbc());
        assertFalse(OpenTelemetryListener.builder().openTelemetry(io.opentelemetry.sdk.OpenTelemetrySdk.builder().build()).enabled(false).build().observesJdbc());
        assertTrue(OpenTelemetryListener.builder().openTelemetry(io.opentelemetry.sdk.OpenTelemetrySdk.builder().build()).build().observesJdbc());
    }

    @Test
    void serviceLoaderFindsTheListener() {
        List<String> found = new ArrayList<>();
        ServiceLoader.load(GovernanceListener.class).forEach(l -> found.add(l.getClass().getName()));
        assertTrue(found.contains(OpenTelemetryListener.class.getName()), found::toString);
    }

    @Test
    void withoutGlobalOpenTelemetryNothingIsAttachedAndTheGlobalIsLeftUnset() throws SQLException {
        OpenTelemetryListener listener = new OpenTelemetryListener();
        Probe probe = new Probe(listener);
        try (GovernedH2 db = new GovernedH2(listener, probe)) {
            db.execute("select name from whoami", false);
            db.execute("select name from whoami", true);
        }
        assertEquals(2, probe.attachments.size());
        assertTrue(probe.attachments.stream().allMatch(a -> a == null), probe.attachments::toString);
        assertFalse(GlobalOpenTelemetry.isSet(), "the listener must not fix the global to a no-op");
    }

    @Test
    void noopOpenTelemetryGivenToTheBuilderTurnsTracingOff() throws SQLException {
        OpenTelemetryListener listener = OpenTelemetryListener.builder().openTelemetry(OpenTelemetry.noop()).build();
        Probe probe = new Probe(listener);
        try (GovernedH2 db = new GovernedH2(listener, probe)) {
            db.execute("select name from whoami", false);
        }
        assertEquals(1, probe.attachments.size());
        assertEquals(null, probe.attachments.get(0));
    }

    @Test
    void withoutGlobalOpenTelemetryTheListenerAllocatesNothingPerCall() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        OpenTelemetryListener listener = new OpenTelemetryListener();
        StatementEvent statement = new StatementEvent("orders", "primary", false, "jdbc:h2:mem:x", "select 1", List.of(1));
        ConnectionEvent connection = new ConnectionEvent("orders");
        StateEvent state = new StateEvent("ns", StateEvent.Kind.LOCK, "job", "ACQUIRED");
        SQLException error = new SQLException("boom");
        int calls = 200_000;
        run(listener, statement, connection, state, error, 20_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(listener, statement, connection, state, error, calls);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // One object per call would be at least 16 bytes x 5 calls x 200,000 iterations = 16 MB.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + (5 * calls) + " calls");
    }

    private static void run(OpenTelemetryListener l, StatementEvent s, ConnectionEvent c, StateEvent st, SQLException error,
                            int n) {
        for (int i = 0; i < n; i++) {
            l.statementStarted(s);
            l.statementEnded(s);
            l.statementFailed(s, error);
            l.connectionFailed(c, error);
            l.stateChanged(st);
        }
    }
}
