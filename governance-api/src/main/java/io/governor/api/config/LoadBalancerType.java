package io.governor.api.config;

/** How read/write splitting picks a replica for a read-only connection. */
public enum LoadBalancerType {
    /** Each enabled replica in turn. The default. */
    ROUND_ROBIN,
    /** A uniformly random enabled replica. */
    RANDOM,
    /** A random enabled replica, chosen in proportion to its weight (default weight 1). */
    WEIGHT
}
