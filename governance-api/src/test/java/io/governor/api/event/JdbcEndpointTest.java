package io.governor.api.event;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** JDBC URLs and SQL text as listeners read them ({@link JdbcEndpoint}, {@link SqlText}). */
class JdbcEndpointTest {

    private static void assertEndpoint(String url, String system, String host, int port) {
        JdbcEndpoint e = JdbcEndpoint.parse(url);
        assertEquals(system, e.system(), url);
        assertEquals(host, e.host(), url);
        assertEquals(port, e.port(), url);
    }

    @Test
    void hostAndPortAreReadFromServerUrls() {
        assertEndpoint("jdbc:postgresql://db1.internal:5433/orders?ssl=true", "postgresql", "db1.internal", 5433);
        assertEndpoint("jdbc:postgresql://db1,db2:5432/orders", "postgresql", "db1", -1);
        assertEndpoint("jdbc:mysql://***@10.0.0.5:3306/orders", "mysql", "10.0.0.5", 3306);
        assertEndpoint("jdbc:mariadb://maria/orders", "mariadb", "maria", -1);
        assertEndpoint("jdbc:sqlserver://sql01\\inst:1433;databaseName=orders", "mssql", "sql01", -1);
        assertEndpoint("jdbc:sqlserver://sql01:1444;databaseName=orders", "mssql", "sql01", 1444);
        assertEndpoint("jdbc:oracle:thin:@ora1:1521:ORCL", "oracle", "ora1", 1521);
        assertEndpoint("jdbc:oracle:thin:@//ora2:1522/svc", "oracle", "ora2", 1522);
        assertEndpoint("jdbc:h2:tcp://localhost:9092/mem:orders", "h2", "localhost", 9092);
        assertEndpoint("jdbc:p6spy:mysql://wrapped:3307/x", "mysql", "wrapped", 3307);
        assertEndpoint("jdbc:postgresql://[::1]:5432/orders", "postgresql", "::1", 5432);
    }

    @Test
    void embeddedAndUnknownUrlsHaveNoHost() {
        assertEndpoint("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1", "h2", null, -1);
        assertEndpoint("jdbc:derby:memory:x;create=true", "derby", null, -1);
        assertEndpoint("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=a)))", "oracle", null, -1);
        assertEndpoint("jdbc:acme://h:1/x", "other_sql", "h", 1);
        assertEndpoint("not a url", "other_sql", null, -1);
        assertNull(JdbcEndpoint.parse(null).host());
    }

    @Test
    void stableSystemNamesFollowTheConventions() {
        assertEquals("h2database", JdbcEndpoint.parse("jdbc:h2:mem:x").systemName());
        assertEquals("microsoft.sql_server", JdbcEndpoint.parse("jdbc:sqlserver://h").systemName());
        assertEquals("oracle.db", JdbcEndpoint.parse("jdbc:oracle:thin:@h:1:x").systemName());
    }

    @Test
    void operationIsTheLeadingKeyword() {
        assertEquals("SELECT", SqlText.operation("  /* hint */ -- c\n select 1"));
        assertEquals("WITH", SqlText.operation("with x as (select 1) select * from x"));
        assertEquals("SELECT", SqlText.operation("(select 1) union (select 2)"));
        assertEquals("CALL", SqlText.operation("{call proc(?)}"));
        assertEquals("BATCH", SqlText.operation(null));
        assertNull(SqlText.operation("frobnicate the table"));
        assertEquals("ab", SqlText.cap("ab\uD83D\uDE00", 3), "a surrogate pair is not split");
        assertEquals("byte[3]", SqlText.parameter(new byte[3], 10));
    }
}
