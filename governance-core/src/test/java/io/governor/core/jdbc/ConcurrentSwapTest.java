package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.test.Await;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrentSwapTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    /**
     * Both ways of knowing what a pool has lent: HikariCP's own in-use count (the pool class Governor
     * recognises), and Governor's counter (any other pool class, here HikariCP behind a wrapper).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {HikariDataSource.class, OpaquePool.class})
    void swapsUnderLoadNeverFailAConnectionAndCloseEveryReplacedPool(Class<?> poolClass) throws Exception {
        JdbcRuntime rt = h2.runtime();
        DatabaseConfig base = h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")))
                .withDataSource("primary", pool(poolClass, "primary", "4"))
                .withDataSource("replica_0", pool(poolClass, "replica_0", "4"));
        rt.apply(base, GovernanceProps.empty(), "r0");
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            boolean reader = t % 2 == 0;
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        try (Connection c = rt.dataSource().getConnection()) {
                            c.setReadOnly(reader);
                            String who = H2Fixture.whoami(c);
                            if (!who.equals(reader ? "replica_0" : "primary")) {
                                throw new AssertionError("routed to " + who);
                            }
                            served.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            }, "swap-load-" + t);
            worker.start();
        }
        List<DataSource> replaced = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            Await.until("some load between swaps", () -> served.get() > 0 || !errors.isEmpty());
            served.set(0);
            replaced.add(rt.pool("primary"));
            replaced.add(rt.pool("replica_0"));
            assertEquals(poolClass, rt.pool("primary").getClass());
            String size = String.valueOf(2 + i % 3);
            rt.apply(base.withDataSource("primary", pool(poolClass, "primary", size))
                    .withDataSource("replica_0", pool(poolClass, "replica_0", size)),
                    H2Fixture.props("30s", "5s"), "r" + i);
        }
        stop.set(true);
        done.await();
        assertTrue(errors.isEmpty(), () -> "connections failed during swaps: " + errors);
        Await.until("every replaced pool closed once its connections returned",
                () -> replaced.stream().allMatch(ConcurrentSwapTest::isClosed));
        assertEquals("r12", rt.revision());
    }

    private DataSourceConfig pool(Class<?> poolClass, String name, String size) {
        DataSourceConfig hikari = h2.hikari(name).with("maximumPoolSize", size);
        return new DataSourceConfig(poolClass.getName(), hikari.properties());
    }

    private static boolean isClosed(DataSource pool) {
        return pool instanceof HikariDataSource h ? h.isClosed() : ((OpaquePool) pool).isClosed();
    }
}
