package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private final H2Fixture h2 = new H2Fixture();

    @AfterEach
    void tearDown() throws Exception {
        h2.close();
    }

    @Test
    void swapsUnderLoadNeverFailAConnectionAndCloseEveryReplacedPool() throws Exception {
        JdbcRuntime rt = h2.runtime();
        DatabaseConfig base = h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0")), "primary", "replica_0");
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
        List<HikariDataSource> replaced = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            Await.until("some load between swaps", () -> served.get() > 0 || !errors.isEmpty());
            served.set(0);
            replaced.add((HikariDataSource) rt.pool("primary"));
            replaced.add((HikariDataSource) rt.pool("replica_0"));
            String size = String.valueOf(2 + i % 3);
            rt.apply(base.withDataSource("primary", h2.hikari("primary").with("maximumPoolSize", size))
                    .withDataSource("replica_0", h2.hikari("replica_0").with("maximumPoolSize", size)),
                    H2Fixture.props("30s", "5s"), "r" + i);
        }
        stop.set(true);
        done.await();
        assertTrue(errors.isEmpty(), () -> "connections failed during swaps: " + errors);
        Await.until("every replaced pool closed once its connections returned",
                () -> replaced.stream().allMatch(HikariDataSource::isClosed));
        assertEquals("r12", rt.revision());
    }
}
