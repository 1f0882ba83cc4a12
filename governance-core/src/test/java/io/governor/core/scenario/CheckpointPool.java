package io.governor.core.scenario;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * HikariCP's data source whose first {@code getConnection} (the start-up pool check) stops at a
 * checkpoint a test arms under a unique name, set as the pool property {@code checkpoint}: it says
 * it arrived and waits until the test lets it pass. Lets a test hold two instances starting at once
 * between "the center is empty" and their seed. Thread-safe.
 */
public class CheckpointPool extends HikariDataSource {

    private static final Map<String, Checkpoint> ARMED = new ConcurrentHashMap<>();

    /** One stop: {@link #arrived} counts arrivals, {@link #pass} lets them go on. */
    public static final class Checkpoint implements AutoCloseable {
        private final String name;
        public final CountDownLatch arrived = new CountDownLatch(1);
        public final CountDownLatch pass = new CountDownLatch(1);

        private Checkpoint(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            pass.countDown();
            ARMED.remove(name);
        }
    }

    /** Arms a checkpoint under a name no other test uses; close it to disarm. */
    public static Checkpoint arm(String name) {
        Checkpoint c = new Checkpoint(name);
        ARMED.put(name, c);
        return c;
    }

    private volatile String checkpoint;

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }

    @Override
    public Connection getConnection() throws SQLException {
        String name = checkpoint;
        Checkpoint c = name == null ? null : ARMED.get(name);
        if (c != null) {
            checkpoint = null;
            c.arrived.countDown();
            try {
                if (!c.pass.await(30, TimeUnit.SECONDS)) {
                    throw new SQLException("checkpoint " + name + " was never passed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException(e);
            }
        }
        return super.getConnection();
    }
}
