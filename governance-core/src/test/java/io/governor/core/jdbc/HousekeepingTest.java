package io.governor.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HikariCP pools of one database share one housekeeping thread, which ends with the runtime. */
class HousekeepingTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    @Test
    void poolsOfOneDatabaseShareOneHousekeepingThread() throws Exception {
        JdbcRuntime rt = h2.runtime();
        rt.apply(h2.database(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1")),
                "primary", "replica_0", "replica_1"), GovernanceProps.empty(), "r1");
        try (Connection c = rt.dataSource().getConnection()) {
            assertTrue(c.isValid(1));
        }
        ScheduledExecutorService shared = ((HikariDataSource) rt.pool("primary")).getScheduledExecutor();
        assertSame(shared, ((HikariDataSource) rt.pool("replica_0")).getScheduledExecutor());
        assertSame(shared, ((HikariDataSource) rt.pool("replica_1")).getScheduledExecutor());

        String prefix = "governor-" + h2.namespace + "-orders-";
        // HikariCP names its own "<poolName>:housekeeper"; the pools are named prefix + data source
        assertEquals(1, threads(prefix, "housekeeper"), "one housekeeping thread for three pools");
        assertEquals(1, threads(prefix + "housekeeper", ""), "and it is the shared one");

        rt.close();
        Await.until(Duration.ofSeconds(30), "the shared housekeeping thread ends after close",
                () -> threads(prefix + "housekeeper", "") == 0);
    }

    private static long threads(String prefix, String suffix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(prefix) && t.getName().endsWith(suffix))
                .count();
    }
}
