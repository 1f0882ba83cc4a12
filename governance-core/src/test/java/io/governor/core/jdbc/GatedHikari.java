package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * HikariCP's data source with two one-shot gates a test can arm: one stops the next
 * {@code getConnection} before it takes a connection, one stops {@code close} before the pool shuts
 * down. Each gate says when a thread has reached it and lets it pass when opened. Thread-safe.
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
    volatile Gate beforeClose;

    @Override
    public Connection getConnection() throws SQLException {
        Gate g = beforeTake;
        if (g != null) {
            beforeTake = null;
            g.pass();
        }
        return super.getConnection();
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
