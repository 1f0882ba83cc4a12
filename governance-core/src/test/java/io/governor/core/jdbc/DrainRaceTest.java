package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection being bound while its pool is replaced: the two orders
 * in which the borrow, which counts its connection once it has taken it, and the retired pool's
 * close can meet, forced with gates. Either way the application's connection works, on the new pool,
 * and the old pool closes.
 */
class DrainRaceTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    private DatabaseConfig config(String poolSize) {
        DataSourceConfig hikari = h2.hikari("primary").with("maximumPoolSize", poolSize);
        return DatabaseConfig.empty().withDataSource("primary",
                new DataSourceConfig(GatedHikari.class.getName(), hikari.properties()));
    }

    private static final GovernanceProps PROPS = H2Fixture.props("30s", "5s");

    /** Applies revision r1 and returns its (gated) pool, the one the tests then replace. */
    private GatedHikari start(JdbcRuntime rt) {
        rt.apply(config("4"), PROPS, "r1");
        return (GatedHikari) rt.pool("primary");
    }

    /** The borrower reaches the old pool after it was closed: it takes the new one. */
    @Test
    void aBorrowerWhosePoolClosedBeforeItTookAConnectionTakesTheNewPool() throws Exception {
        JdbcRuntime rt = h2.runtime();
        GatedHikari old = start(rt);
        GatedHikari.Gate take = new GatedHikari.Gate();
        old.beforeTake = take;

        CompletableFuture<String> user = CompletableFuture.supplyAsync(() -> {
            try (Connection c = rt.dataSource().getConnection()) {
                return H2Fixture.whoami(c);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(take.reached.await(10, TimeUnit.SECONDS));
        rt.apply(config("3"), PROPS, "r2");
        assertTrue(old.isClosed(), "nothing was lent, so the old pool closed at once");
        take.open.countDown();

        assertEquals("primary", user.get(10, TimeUnit.SECONDS));
        assertNotSame(old, rt.pool("primary"));
    }

    /**
     * The old pool is closing (it saw nothing lent) when the borrower takes a connection from it:
     * the borrower sees the pool retired, gives the connection back and binds to the new pool, so
     * the close does not abort a connection the application uses.
     */
    @Test
    void aConnectionTakenFromAPoolThatIsClosingIsGivenBackAndTheNewPoolServes() throws Exception {
        JdbcRuntime rt = h2.runtime();
        GatedHikari old = start(rt);
        GatedHikari.Gate take = new GatedHikari.Gate();
        GatedHikari.Gate close = new GatedHikari.Gate();
        old.beforeTake = take;
        old.beforeClose = close;
        CountDownLatch bound = new CountDownLatch(1);
        CountDownLatch oldClosed = new CountDownLatch(1);

        CompletableFuture<String> user = CompletableFuture.supplyAsync(() -> {
            try (Connection c = rt.dataSource().getConnection()) {
                c.getMetaData(); // binds
                bound.countDown();
                assertTrue(oldClosed.await(30, TimeUnit.SECONDS));
                return H2Fixture.whoami(c);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(take.reached.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> rt.apply(config("3"), PROPS, "r2"));
        assertTrue(close.reached.await(10, TimeUnit.SECONDS), "the old pool is being closed: nothing was lent");
        take.open.countDown(); // the borrower takes a connection from the closing pool
        assertTrue(bound.await(10, TimeUnit.SECONDS));
        assertFalse(old.isClosed());
        close.open.countDown(); // the old pool shuts down (and would abort a connection still in use)
        swap.get(20, TimeUnit.SECONDS);
        assertTrue(old.isClosed());
        oldClosed.countDown();

        assertEquals("primary", user.get(10, TimeUnit.SECONDS));
    }

    /**
     * The old pool closes (it saw nothing lent) while the borrower is inside its
     * {@code getConnection}, holding a connection it has not counted yet, which the close broke:
     * giving it back fails (seen in CI as a NullPointerException from HikariCP, whose pool shut down
     * between taking an entry and wrapping it). The borrower drops it and binds to the new pool; the
     * application sees no error.
     */
    @Test
    void aConnectionAbortedByItsClosingPoolBeforeItWasCountedIsDroppedAndTheNewPoolServes() throws Exception {
        JdbcRuntime rt = h2.runtime();
        GatedHikari old = start(rt);
        GatedHikari.Gate taken = new GatedHikari.Gate();
        old.afterTake = taken;

        CompletableFuture<String> user = CompletableFuture.supplyAsync(() -> {
            try (Connection c = rt.dataSource().getConnection()) {
                return H2Fixture.whoami(c);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(taken.reached.await(10, TimeUnit.SECONDS));
        rt.apply(config("3"), PROPS, "r2");
        assertTrue(old.isClosed(), "nothing was counted as lent, so the old pool closed at once");
        taken.open.countDown();

        assertEquals("primary", user.get(10, TimeUnit.SECONDS));
        assertNotSame(old, rt.pool("primary"));
    }
}
