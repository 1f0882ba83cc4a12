package io.governor.api.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The configuration of one logical database: its physical data sources by name and its rules.
 *
 * <p>Immutable and thread-safe. Cross-checks (a rule naming a data source that does not exist)
 * are made by core when the configuration is written or applied, with the rule's codec.
 *
 * @param dataSources data source name to configuration, sorted by name
 * @param rules       the rules, in order
 */
public record DatabaseConfig(Map<String, DataSourceConfig> dataSources, List<RuleConfig> rules) {

    public DatabaseConfig {
        Objects.requireNonNull(dataSources, "dataSources");
        dataSources = Collections.unmodifiableMap(new TreeMap<>(dataSources));
        rules = List.copyOf(rules == null ? List.of() : rules);
    }

    /** An empty database: no data sources, no rules. */
    public static DatabaseConfig empty() {
        return new DatabaseConfig(Map.of(), List.of());
    }

    /** A copy with one data source added or replaced. */
    public DatabaseConfig withDataSource(String name, DataSourceConfig config) {
        Map<String, DataSourceConfig> ds = new TreeMap<>(dataSources);
        ds.put(name, config);
        return new DatabaseConfig(ds, rules);
    }

    /** A copy without a data source. */
    public DatabaseConfig withoutDataSource(String name) {
        Map<String, DataSourceConfig> ds = new TreeMap<>(dataSources);
        ds.remove(name);
        return new DatabaseConfig(ds, rules);
    }

    /** A copy with other rules. */
    public DatabaseConfig withRules(List<RuleConfig> newRules) {
        return new DatabaseConfig(dataSources, newRules);
    }

    /** The first rule of a type, or null. */
    public <T extends RuleConfig> T rule(Class<T> type) {
        for (RuleConfig r : rules) {
            if (type.isInstance(r)) {
                return type.cast(r);
            }
        }
        return null;
    }
}
