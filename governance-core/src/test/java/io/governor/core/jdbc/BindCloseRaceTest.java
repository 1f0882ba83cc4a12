package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.config.GovernanceProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A governed connection's first use (which binds it) racing with its close (or abort) from another
 * thread: whichever wins, the physical connection goes back to its pool exactly once and the pool's
 * lent count returns to zero; the user either runs its statement or gets an SQLException.
 */
class BindCloseRaceTest {

    private static final int ROUNDS = 2_000;

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    @Test
    void closeOrAbortRacingWithFirstUseReturnsThePhysicalConnectionExactlyOnce() throws Exception {
        JdbcRuntime rt = h2.primaryAlone(GovernanceProps.empty());
        PoolHandle pool = rt.snapshot().pools.get("primary");
        HikariDataSource hikari = (HikariDataSource) pool.pool();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        int usedAfterBinding = 0;
        int refusedAsClosed = 0;
        try {
            for (int i = 0; i < ROUNDS; i++) {
                Connection c = rt.dataSource().getConnection();
                boolean abort = i % 2 == 1;
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> user = threads.submit(() -> {
                    start.await();
                    try (Statement s = c.createStatement()) {
                        s.execute("select 1");
                        return true;
                    } catch (SQLException e) {
                        // closed first (Governor refuses with 08003), or closed or aborted under the
                        // statement (the pool or the driver refuses, in words of its own)
                        return false;
                    }
                });
                Future<?> closer = threads.submit(() -> {
                    start.await();
                    if (abort) {
                        c.abort(Runnable::run);
                    } else {
                        c.close();
                    }
                    return null;
                });
                closer.get(10, TimeUnit.SECONDS);
                if (user.get(10, TimeUnit.SECONDS)) {
                    usedAfterBinding++;
                } else {
                    refusedAsClosed++;
                }
                assertTrue(c.isClosed());
                assertEquals(0, pool.lent(), "round " + i + ": a lent connection was not counted back");
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(ROUNDS, usedAfterBinding + refusedAsClosed);
        // every physical connection is back: the pool can hand out all of them at once
        int size = hikari.getMaximumPoolSize();
        Connection[] all = new Connection[size];
        for (int i = 0; i < size; i++) {
            all[i] = rt.dataSource().getConnection();
            all[i].createStatement().close();
        }
        assertEquals(size, pool.lent());
        for (Connection c : all) {
            c.close();
        }
        assertEquals(0, pool.lent());
        assertEquals(0, hikari.getHikariPoolMXBean().getActiveConnections(), "no physical connection is left lent");
    }
}
