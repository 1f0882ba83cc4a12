package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.GovernanceAdmin;
import io.governor.test.ConnectionCuts;
import io.governor.test.FaultRun;
import io.governor.test.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The admin's read-modify-write under connection faults: one admin, alone on a database, counts up a
 * rule field with {@code updateRules} and a pool property with {@code replaceDataSource} while its
 * connections are cut and its answers lost ({@link ConnectionCuts}). Each call that returns must have
 * added exactly one; one that fails with {@code OUTCOME_UNKNOWN} (or {@code TIMEOUT}) may have added
 * one or none; any other failure none; and a single writer never sees {@code CONFLICT}. A repository
 * that reports a landed write as refused makes the admin apply it twice, or answer {@code CONFLICT}
 * for its own write. A module extends it and says how to reach its server through proxies.
 */
@Timeout(180)
public abstract class AdminUnderFaultsScenario extends FaultRun {

    private static final String DB = "orders";

    /** The center's configuration reaching the servers at {@code addresses} (proxies), with short timeouts. */
    protected abstract RepositoryConfig center(String namespace, List<String> addresses);

    @Test
    void adminUpdatesUnderConnectionCutsApplyEachUpdateExactlyOnce() throws Exception {
        String namespace = newNamespace("af-");
        List<String> servers = servers();
        GovernanceAdmin direct = track(GovernanceAdmin.connect(config(namespace, servers)));
        direct.replaceDatabase(DB, DatabaseConfig.empty()
                .withDataSource("primary", pool(0))
                .withDataSource("replica_0", DataSourceConfig.of("jdbc:h2:mem:af-replica", "sa", "pw"))
                .withRules(List.of(rule(1))));

        List<TcpProxy> proxies = new ArrayList<>();
        for (String server : servers) {
            proxies.add(track(TcpProxy.start(server)));
        }
        GovernanceAdmin admin = track(GovernanceAdmin.connect(config(namespace,
                proxies.stream().map(TcpProxy::address).toList())));

        int weight = 1;
        int poolSize = 0;
        int ok = 0;
        int unknown = 0;
        int cuts;
        long end = System.nanoTime() + runTime().toNanos();
        try (ConnectionCuts faults = ConnectionCuts.start(List.of(proxies))) {
            for (int i = 0; System.nanoTime() < end; i++) {
                boolean rules = i % 2 == 0;
                try {
                    if (rules) {
                        admin.updateRules(DB, current -> List.of(rule(weightOf(current) + 1)));
                        weight++;
                    } else {
                        admin.replaceDataSource(DB, "primary", pool(poolSize + 1));
                        poolSize++;
                    }
                    ok++;
                    assertCounters(direct, weight, weight, poolSize, poolSize, "after a successful call");
                } catch (GovernanceException e) {
                    if (e.code() == ErrorCode.CONFLICT) {
                        fail("a single writer got CONFLICT for its own write: " + e.getMessage());
                    }
                    boolean mayHaveApplied = e.code() == ErrorCode.OUTCOME_UNKNOWN || e.code() == ErrorCode.TIMEOUT;
                    if (mayHaveApplied) {
                        unknown++;
                    } else if (e.code() != ErrorCode.UNAVAILABLE) {
                        throw e;
                    }
                    int step = mayHaveApplied ? 1 : 0;
                    int[] now = assertCounters(direct, weight, weight + (rules ? step : 0),
                            poolSize, poolSize + (rules ? 0 : step), "after " + e.code());
                    weight = now[0];
                    poolSize = now[1];
                }
            }
            cuts = faults.cuts();
        }
        assertTrue(ok >= 10, "too few admin calls went through: " + ok);
        assertTrue(cuts >= 5, "too few connection cuts: " + cuts);
        LoggerHolder.LOG.info("admin under faults: {} calls applied once, {} with an unknown outcome, {} cuts", ok,
                unknown, cuts);
    }

    /** Reads both counters with the direct admin and checks they are within the bounds; returns them. */
    private static int[] assertCounters(GovernanceAdmin direct, int minWeight, int maxWeight, int minPool, int maxPool,
                                        String when) {
        DatabaseConfig db = direct.database(DB);
        int w = weightOf(db.rules());
        int p = Integer.parseInt(db.dataSources().get("primary").properties().get("maximumPoolSize")) - 1;
        assertTrue(w >= minWeight && w <= maxWeight, "rule counter " + when + ": " + w + ", expected " + minWeight
                + (maxWeight == minWeight ? "" : " or " + maxWeight) + " (an update applied twice, or lost)");
        assertTrue(p >= minPool && p <= maxPool, "data source counter " + when + ": " + p + ", expected " + minPool
                + (maxPool == minPool ? "" : " or " + maxPool) + " (an update applied twice, or lost)");
        return new int[] {w, p};
    }

    private static ReadwriteSplittingRule rule(int weight) {
        return new ReadwriteSplittingRule("primary", List.of("replica_0"), LoadBalancerType.WEIGHT,
                Map.of("replica_0", weight));
    }

    private static int weightOf(List<RuleConfig> rules) {
        return ((ReadwriteSplittingRule) rules.get(0)).weight("replica_0");
    }

    private static DataSourceConfig pool(int counter) {
        return DataSourceConfig.of("jdbc:h2:mem:af-primary", "sa", "pw").with("maximumPoolSize",
                Integer.toString(counter + 1));
    }

    private GovernanceConfig config(String namespace, List<String> addresses) {
        return GovernanceConfig.builder(namespace).registryCenter(center(namespace, addresses)).build();
    }

    private static final class LoggerHolder {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminUnderFaultsScenario.class);
    }
}
