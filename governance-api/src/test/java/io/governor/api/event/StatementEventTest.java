package io.governor.api.event;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What an event derives for listeners from its SQL text and JDBC URL, once, so every listener reads one copy. */
class StatementEventTest {

    private static StatementEvent event(String sql, String url) {
        return new StatementEvent("orders", "primary", false, url, sql, List.of());
    }

    @Test
    void summaryNamesTheOperationAndTheDatabase() {
        StatementEvent e = event(" select 1", "jdbc:h2:mem:x");
        assertEquals("SELECT", e.operation());
        assertEquals("SELECT orders", e.summary());
        assertEquals("BATCH orders", event(null, null).summary());
    }

    @Test
    void summaryOfAnUnknownOperationIsTheDatabase() {
        StatementEvent e = event("frobnicate", "jdbc:h2:mem:x");
        assertNull(e.operation());
        assertEquals("orders", e.summary());
    }

    @Test
    void endpointIsReadFromTheJdbcUrlOnce() {
        StatementEvent e = event("select 1", "jdbc:postgresql://db1:5433/orders");
        assertEquals("db1:5433", e.endpoint().address());
        assertEquals("postgresql", e.endpoint().system());
        assertSame(e.endpoint(), e.endpoint());
        assertSame(JdbcEndpoint.UNKNOWN, event("select 1", null).endpoint());
    }

    @Test
    void connectionEventHasNoEndpointBeforeBinding() {
        ConnectionEvent e = new ConnectionEvent("orders");
        assertSame(JdbcEndpoint.UNKNOWN, e.endpoint());
        e.bind("primary", false, "jdbc:mysql://db2/orders");
        assertEquals("db2", e.endpoint().address());
    }
}
