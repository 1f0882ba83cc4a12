package io.governor.core.jdbc;

import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a governed connection goes, precomputed for one snapshot so that routing a connection costs
 * an array index and, for round robin, one counter increment: the primary, and the enabled replicas
 * with their cumulative weights.
 *
 * <p>Without a {@code READWRITE_SPLITTING} rule the database's only data source takes everything;
 * with several and no rule, routing fails with a clear {@link SQLException}. A disabled primary
 * still takes writes (there is nowhere else for them to go); disabling applies to replicas.
 *
 * <p>Immutable apart from the shared round-robin counter, which is counted without synchronisation
 * (see {@link #nextRoundRobin}); thread-safe.
 */
final class Router {

    private final PoolHandle primary;
    private final String primaryError;
    private final PoolHandle[] replicas;
    private final int[] cumulativeWeights;
    private final LoadBalancerType balancer;
    private final AtomicInteger roundRobin;

    private Router(PoolHandle primary, String primaryError, PoolHandle[] replicas, int[] cumulativeWeights,
                   LoadBalancerType balancer, AtomicInteger roundRobin) {
        this.primary = primary;
        this.primaryError = primaryError;
        this.replicas = replicas;
        this.cumulativeWeights = cumulativeWeights;
        this.balancer = balancer;
        this.roundRobin = roundRobin;
    }

    static Router of(String database, Map<String, PoolHandle> pools, ReadwriteSplittingRule rule, Set<String> disabled,
                     AtomicInteger roundRobin) {
        if (rule == null) {
            if (pools.size() == 1) {
                return new Router(pools.values().iterator().next(), null, new PoolHandle[0], new int[0],
                        LoadBalancerType.ROUND_ROBIN, roundRobin);
            }
            String error = pools.isEmpty()
                    ? "database '" + database + "' has no data source configured"
                    : "database '" + database + "' has " + pools.size() + " data sources " + pools.keySet()
                      + " and no READWRITE_SPLITTING rule, so there is no way to choose one";
            return new Router(null, error, new PoolHandle[0], new int[0], LoadBalancerType.ROUND_ROBIN, roundRobin);
        }
        PoolHandle primary = pools.get(rule.primary());
        String error = primary != null ? null : "the READWRITE_SPLITTING rule of database '" + database
                + "' names primary '" + rule.primary() + "', which is not a configured data source";
        List<PoolHandle> enabled = new ArrayList<>();
        for (String r : rule.replicas()) {
            PoolHandle h = pools.get(r);
            if (h != null && !disabled.contains(r)) {
                enabled.add(h);
            }
        }
        int[] cumulative = new int[enabled.size()];
        int sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += rule.weight(enabled.get(i).name());
            cumulative[i] = sum;
        }
        return new Router(primary, error, enabled.toArray(new PoolHandle[0]), cumulative, rule.loadBalancer(),
                roundRobin);
    }

    /** The pool that takes writes (and reads when no replica is enabled). */
    PoolHandle primary() throws SQLException {
        if (primary == null) {
            throw new SQLException(primaryError, "08001");
        }
        return primary;
    }

    /** A replica chosen by the load balancer, or null when none is enabled. */
    PoolHandle replica() {
        int n = replicas.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return replicas[0];
        }
        return switch (balancer) {
            case ROUND_ROBIN -> replicas[nextRoundRobin(n)];
            case RANDOM -> replicas[ThreadLocalRandom.current().nextInt(n)];
            case WEIGHT -> replicas[weighted(ThreadLocalRandom.current().nextInt(cumulativeWeights[n - 1]))];
        };
    }

    /**
     * The next round-robin index, counted with plain (racy) reads and writes: concurrent callers may
     * read the same count and go to the same replica, which only evens out a little later. A strict
     * counter would put a full fence into every read-only connection for a property nobody can
     * observe under concurrency anyway.
     */
    private int nextRoundRobin(int n) {
        int i = roundRobin.getPlain();
        roundRobin.setPlain(i + 1);
        return Math.floorMod(i, n);
    }

    private int weighted(int ticket) {
        int lo = 0;
        int hi = cumulativeWeights.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ticket < cumulativeWeights[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
