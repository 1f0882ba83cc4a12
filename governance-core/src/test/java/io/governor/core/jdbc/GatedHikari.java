package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * HikariCP's data source with three one-shot gates a test can arm: one stops the next
 * {@code getConnection} before it takes a connection, one stops it after it took one (before it
 * returns it), one stops {@code close} before the pool shuts down. Each gate says when a thread has reached it and lets it pass when opened. Thread-safe.
 */
public class GatedHikari extends HikariDataSource {

    /** One stop: {@link #reached} counts down when a thread arrives, {@link #open} lets it go on. */
    static final class Gate {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        void pass() {
            reached.countDown();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    volatile Gate beforeTake;
    volatile Gate afterTake;
    volatile Gate beforeClose;

    @Override
    public Connection getConnection() throws SQLException {
        Gate g = beforeTake;
        if (g != null) {
            beforeTake = null;
            g.pass();
        }
        Connection c = super.getConnection();
        Gate after = afterTake;
        if (after != null) {
            afterTake = null;
            after.pass();
            if (isClosed()) {
                return brokenByClose(c);
            }
        }
        return c;
    }

    /**
     * What HikariCP hands out when its pool shuts down between taking a pool entry and wrapping it:
     * a connection whose close fails with a NullPointerException (its entry was closed under it).
     * A gate cannot stop HikariCP at that point, so this stands in for it.
     */
    private static Connection brokenByClose(Connection c) {
        return (Connection) Proxy.newProxyInstance(GatedHikari.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        c.close();
                        throw new NullPointerException("Cannot invoke \"java.sql.Connection.clearWarnings()\"");
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public void close() {
        Gate g = beforeClose;
        if (g != null) {
            beforeClose = null;
            g.pass();
        }
        super.close();
    }
}
