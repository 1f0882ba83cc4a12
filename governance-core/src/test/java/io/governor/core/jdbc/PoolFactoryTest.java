package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolFactoryTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    @Test
    void buildsHikariPoolBySettersConvertingTextToTheirTypes() throws Exception {
        DataSourceConfig cfg = h2.hikari("primary").with("maximumPoolSize", "3").with("connectionTimeout", "750")
                .with("autoCommit", "false").with("poolName", "orders-primary");
        DataSource ds = PoolFactory.build("primary", cfg, "unused");
        try (HikariDataSource hikari = assertInstanceOf(HikariDataSource.class, ds)) {
            assertEquals(3, hikari.getMaximumPoolSize());
            assertEquals(750L, hikari.getConnectionTimeout());
            assertFalse(hikari.isAutoCommit());
            assertEquals("orders-primary", hikari.getPoolName());
            assertEquals(h2.url("primary"), hikari.getJdbcUrl());
            try (Connection c = hikari.getConnection()) {
                assertTrue(c.isValid(1));
            }
        }
    }

    @Test
    void namesHikariPoolAfterTheDataSourceWhenNoPoolNameIsGiven() {
        try (HikariDataSource hikari = (HikariDataSource) PoolFactory.build("primary", h2.hikari("primary"),
                "governor-ns-orders-primary")) {
            assertEquals("governor-ns-orders-primary", hikari.getPoolName());
        }
    }

    @Test
    void convertsDurationEnumFloatingBoxedShortAndCharArraySetters() throws Exception {
        Map<String, String> p = new TreeMap<>();
        p.put("url", h2.url("typed"));
        p.put("user", "sa");
        p.put("password", "");
        p.put("idle", "1500ms");
        p.put("unit", "seconds");
        p.put("ratio", "0.25");
        p.put("boxedInt", "7");
        p.put("boxedLong", "9000000000");
        p.put("boxedBoolean", "TRUE");
        p.put("small", "12");
        p.put("fraction", "1.5");
        TypedPool pool = (TypedPool) PoolFactory.build("typed", new DataSourceConfig(TypedPool.class.getName(), p), "x");
        assertEquals(Duration.ofMillis(1500), pool.idle);
        assertEquals(TimeUnit.SECONDS, pool.unit);
        assertEquals(0.25, pool.ratio);
        assertEquals(7, pool.boxedInt);
        assertEquals(9_000_000_000L, pool.boxedLong);
        assertEquals(Boolean.TRUE, pool.boxedBoolean);
        assertEquals((short) 12, pool.small);
        assertEquals(1.5f, pool.fraction);
        assertArrayEquals(new char[0], pool.password);
        try (Connection c = pool.getConnection()) {
            assertTrue(c.isValid(1));
        }
    }

    /**
     * An unknown property (named with the pool class and the data source) or a value that does not
     * convert (named with the property and the class) is INVALID_CONFIG.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(quoteCharacter = '"', value = {
            "maxPoolSize, 3, 'maxPoolSize', com.zaxxer.hikari.HikariDataSource, 'primary'",
            "maximumPoolSize, many, 'maximumPoolSize', HikariDataSource, 'many'"})
    void badPropertyIsAnErrorNamingIt(String property, String value, String mention1, String mention2, String mention3) {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> PoolFactory.build("primary", h2.hikari("primary").with(property, value), "x"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        for (String mention : new String[] {mention1, mention2, mention3}) {
            assertTrue(e.getMessage().contains(mention), e.getMessage());
        }
    }

    @Test
    void secretPropertyValueNeverAppearsInAnError() {
        DataSourceConfig cfg = new DataSourceConfig(TypedPool.class.getName(), Map.of("tokenCount", "s3cr3t-v4lue"));
        GovernanceException e = assertThrows(GovernanceException.class, () -> PoolFactory.build("typed", cfg, "x"));
        assertTrue(e.getMessage().contains("'tokenCount'"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-v4lue"), e.getMessage());
    }

    @Test
    void setterOfATypeThatTextCannotExpressIsNamed() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> PoolFactory.build("primary",
                h2.hikari("primary").with("dataSourceProperties", "a=b"), "x"));
        assertTrue(e.getMessage().contains("'dataSourceProperties'") && e.getMessage().contains("takes a Properties"),
                e.getMessage());
    }

    @Test
    void booleanAcceptsOnlyTrueOrFalse() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> PoolFactory.build("primary", h2.hikari("primary").with("autoCommit", "yes"), "x"));
        assertTrue(e.getMessage().contains("'autoCommit'"), e.getMessage());
    }

    @Test
    void poolClassMissingOrNotADataSourceIsRejected() {
        GovernanceException missing = assertThrows(GovernanceException.class, () -> PoolFactory.build("p",
                new DataSourceConfig("com.example.NoSuchPool", Map.of()), "x"));
        assertEquals(ErrorCode.INVALID_CONFIG, missing.code());
        assertTrue(missing.getMessage().contains("com.example.NoSuchPool"), missing.getMessage());
        GovernanceException notDs = assertThrows(GovernanceException.class, () -> PoolFactory.build("p",
                new DataSourceConfig(StringBuilder.class.getName(), Map.of()), "x"));
        assertTrue(notDs.getMessage().contains("is not a javax.sql.DataSource"), notDs.getMessage());
    }

    @Test
    void unknownPropertySuggestsTheClosestPropertyOfThePoolClass() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> PoolFactory.check("orders", "primary", h2.hikari("primary").with("maximumPoolSise", "3")));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().startsWith("data source 'primary' of database 'orders': "), e.getMessage());
        assertTrue(e.getMessage().endsWith("did you mean 'maximumPoolSize'?"), e.getMessage());
    }

    @Test
    void poolClassThatTakesAUrlNeedsOneAndOneWithoutAUrlSetterDoesNot() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> PoolFactory.check("orders", "primary",
                new DataSourceConfig(null, Map.of("username", "sa"))));
        assertTrue(e.getMessage().contains("key 'jdbcUrl': missing"), e.getMessage());
        GovernanceException typed = assertThrows(GovernanceException.class, () -> PoolFactory.check("orders", "typed",
                new DataSourceConfig(TypedPool.class.getName(), Map.of("user", "sa"))));
        assertTrue(typed.getMessage().contains("key 'url': missing"), typed.getMessage());
        PoolFactory.check("orders", "named", new DataSourceConfig(ServerNamePool.class.getName(),
                Map.of("serverName", "db1", "databaseName", "orders")));
    }

    /** A driver that takes {@code jdbc:strict:} URLs but only those naming a database. */
    private static final class StrictDriver implements java.sql.Driver {
        @Override
        public Connection connect(String url, java.util.Properties info) {
            throw new AssertionError("the check must not connect");
        }

        @Override
        public boolean acceptsURL(String url) {
            return url.equals("jdbc:strict:") || url.matches("jdbc:strict:db=\\w+");
        }

        @Override
        public java.sql.DriverPropertyInfo[] getPropertyInfo(String url, java.util.Properties info) {
            return new java.sql.DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }
    }

    @Test
    void urlThatTheClaimingDriverRefusesIsRejectedWithoutConnectingAndOneNoDriverClaimsPasses() throws Exception {
        StrictDriver driver = new StrictDriver();
        java.sql.DriverManager.registerDriver(driver);
        try {
            PoolFactory.check("orders", "primary", DataSourceConfig.of("jdbc:strict:db=orders", "sa", ""));
            GovernanceException e = assertThrows(GovernanceException.class, () -> PoolFactory.check("orders", "primary",
                    DataSourceConfig.of("jdbc:strict:oops", "sa", "")));
            assertEquals(ErrorCode.INVALID_CONFIG, e.code());
            assertTrue(e.getMessage().contains("'jdbcUrl'") && e.getMessage().contains(StrictDriver.class.getName()),
                    e.getMessage());
            PoolFactory.check("orders", "primary", DataSourceConfig.of("jdbc:nosuch:foo", "sa", ""));
        } finally {
            java.sql.DriverManager.deregisterDriver(driver);
        }
    }
}
