package io.governor.api.config;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built-in {@code !READWRITE_SPLITTING} rule: writes go to {@code primary}; connections marked
 * read-only go to one of {@code replicas} chosen by the load balancer.
 *
 * @param primary      the data source that takes writes
 * @param replicas     the data sources that take reads, in order; may be empty
 * @param loadBalancer how a replica is chosen
 * @param weights      replica weights for {@link LoadBalancerType#WEIGHT}; a replica not listed weighs 1
 */
public record ReadwriteSplittingRule(String primary, List<String> replicas, LoadBalancerType loadBalancer,
                                     Map<String, Integer> weights) implements RuleConfig {

    /** The rule's type and YAML tag. */
    public static final String TYPE = "READWRITE_SPLITTING";

    /**
     * @throws GovernanceException {@code INVALID_CONFIG} when the primary is blank, a replica is
     *         listed twice or is the primary, or a weight is not positive or names no replica
     */
    public ReadwriteSplittingRule {
        if (primary == null || primary.isBlank()) {
            throw invalid("primary must name a data source");
        }
        replicas = List.copyOf(replicas == null ? List.of() : replicas);
        loadBalancer = loadBalancer == null ? LoadBalancerType.ROUND_ROBIN : loadBalancer;
        weights = weights == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(weights));
        Set<String> seen = new HashSet<>();
        for (String r : replicas) {
            if (r == null || r.isBlank()) {
                throw invalid("replicas must name data sources; found a blank entry");
            }
            if (r.equals(primary)) {
                throw invalid("replica '" + r + "' is also the primary");
            }
            if (!seen.add(r)) {
                throw invalid("replica '" + r + "' is listed twice");
            }
        }
        for (Map.Entry<String, Integer> w : weights.entrySet()) {
            if (!seen.contains(w.getKey())) {
                throw invalid("weight given for '" + w.getKey() + "', which is not a replica");
            }
            if (w.getValue() == null || w.getValue() <= 0) {
                throw invalid("weight of replica '" + w.getKey() + "' must be a positive integer");
            }
        }
    }

    /** A rule with the given primary and replicas and the round-robin load balancer. */
    public static ReadwriteSplittingRule of(String primary, String... replicas) {
        return new ReadwriteSplittingRule(primary, List.of(replicas), LoadBalancerType.ROUND_ROBIN, Map.of());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The weight of a replica (1 if not given). */
    public int weight(String replica) {
        return weights.getOrDefault(replica, 1);
    }

    /** Every data source the rule names: the primary and the replicas. */
    public Set<String> dataSourceNames() {
        Set<String> names = new java.util.LinkedHashSet<>();
        names.add(primary);
        names.addAll(replicas);
        return names;
    }

    /** The same rule with another primary (a failover); the new primary is removed from the replicas. */
    public ReadwriteSplittingRule withPrimary(String newPrimary) {
        Objects.requireNonNull(newPrimary, "newPrimary");
        List<String> rs = replicas.stream().filter(r -> !r.equals(newPrimary)).toList();
        Map<String, Integer> ws = new TreeMap<>(weights);
        ws.remove(newPrimary);
        return new ReadwriteSplittingRule(newPrimary, rs, loadBalancer, ws);
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, "rule !" + TYPE + ": " + message);
    }
}
