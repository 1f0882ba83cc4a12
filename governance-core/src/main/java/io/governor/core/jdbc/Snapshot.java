package io.governor.core.jdbc;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything the hot path needs, in one immutable object that the runtime replaces as a whole:
 * the pools by data source name, the routing derived from the rules and the disabled set, the
 * circuit breaker, and the configuration and revision it came from.
 *
 * <p>Immutable and thread-safe (the pools themselves are thread-safe).
 */
final class Snapshot {

    final String database;
    final String revision;
    final DatabaseConfig config;
    final GovernanceProps props;
    final Map<String, PoolHandle> pools;
    final Set<String> disabled;
    final boolean circuitBroken;
    final boolean closed;
    final Router router;
    private final AtomicInteger roundRobin;

    private Snapshot(String database, String revision, DatabaseConfig config, GovernanceProps props,
                     Map<String, PoolHandle> pools, Set<String> disabled, boolean circuitBroken, boolean closed,
                     AtomicInteger roundRobin) {
        this.database = database;
        this.revision = revision;
        this.config = config;
        this.props = props;
        this.pools = Collections.unmodifiableMap(new TreeMap<>(pools));
        this.disabled = Set.copyOf(disabled);
        this.circuitBroken = circuitBroken;
        this.closed = closed;
        this.roundRobin = roundRobin;
        this.router = Router.of(database, this.pools, config.rule(ReadwriteSplittingRule.class), this.disabled,
                roundRobin);
    }

    /** Nothing applied yet: no pools, no revision. */
    static Snapshot initial(String database) {
        return new Snapshot(database, null, DatabaseConfig.empty(), GovernanceProps.empty(), Map.of(), Set.of(), false,
                false, new AtomicInteger());
    }

    Snapshot withConfig(DatabaseConfig newConfig, GovernanceProps newProps, String newRevision,
                        Map<String, PoolHandle> newPools) {
        return new Snapshot(database, newRevision, newConfig, newProps, newPools, disabled, circuitBroken, closed,
                roundRobin);
    }

    Snapshot withDisabled(Set<String> newDisabled) {
        return new Snapshot(database, revision, config, props, pools, newDisabled, circuitBroken, closed, roundRobin);
    }

    Snapshot withCircuitBroken(boolean broken) {
        return new Snapshot(database, revision, config, props, pools, disabled, broken, closed, roundRobin);
    }

    /** The same routing state with no pools, marked closed. */
    Snapshot asClosed() {
        return new Snapshot(database, revision, config, props, Map.of(), disabled, circuitBroken, true, roundRobin);
    }
}
