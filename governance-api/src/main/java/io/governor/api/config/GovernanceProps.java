package io.governor.api.config;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code props} section: settings that apply to every database of a namespace and can be
 * changed live from the config center.
 *
 * <p>Immutable and thread-safe. Only known property names are accepted, so a misspelt one is an
 * error rather than silently ignored.
 *
 * @param values property name to text value, sorted by name
 */
public record GovernanceProps(Map<String, String> values) {

    /** How long a replaced pool waits for its lent connections before it is closed. */
    public static final String DRAIN_TIMEOUT = "drain-timeout";
    /** Default of {@link #DRAIN_TIMEOUT}: 30 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** How long a new pool may take to hand out its first connection before the change is rejected. */
    public static final String POOL_CHECK_TIMEOUT = "pool-check-timeout";
    /** Default of {@link #POOL_CHECK_TIMEOUT}: 10 s. */
    public static final Duration DEFAULT_POOL_CHECK_TIMEOUT = Duration.ofSeconds(10);

    /** Every property name Governor knows. */
    public static final Set<String> KNOWN = Set.of(DRAIN_TIMEOUT, POOL_CHECK_TIMEOUT);

    /**
     * @throws GovernanceException {@code INVALID_CONFIG} for an unknown name or a value that does not parse
     */
    public GovernanceProps {
        values = Collections.unmodifiableMap(new TreeMap<>(values == null ? Map.of() : values));
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!KNOWN.contains(e.getKey())) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "unknown property '" + e.getKey()
                        + "' in props; known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)));
            }
            if (e.getValue() == null) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "property '" + e.getKey() + "' has no value");
            }
            RepositoryConfig.parseDuration(e.getValue(), "property '" + e.getKey() + "'");
        }
    }

    /** No properties: every default applies. */
    public static GovernanceProps empty() {
        return new GovernanceProps(Map.of());
    }

    /** {@link #DRAIN_TIMEOUT}, or its default. */
    public Duration drainTimeout() {
        return duration(DRAIN_TIMEOUT, DEFAULT_DRAIN_TIMEOUT);
    }

    /** {@link #POOL_CHECK_TIMEOUT}, or its default. */
    public Duration poolCheckTimeout() {
        return duration(POOL_CHECK_TIMEOUT, DEFAULT_POOL_CHECK_TIMEOUT);
    }

    private Duration duration(String name, Duration def) {
        String v = values.get(name);
        return v == null ? def : RepositoryConfig.parseDuration(v, "property '" + name + "'");
    }
}
