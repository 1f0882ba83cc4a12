package io.governor.core;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.RepositoryConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed in a database's configuration from one revision to another
 * ({@link GovernanceAdmin#diff}): data sources added, removed and changed (with the names of the
 * changed keys), the types of the rules that changed, and the props keys that changed.
 *
 * <p>Secrets are never shown: the accessors give key names only, and {@link #toString()} (a
 * readable multi-line text) shows the old and new value of a key only when it is not secret
 * ({@link RepositoryConfig#isSecret}); a URL is shown without user information or password
 * parameters. Immutable and thread-safe.
 */
public final class RevisionDiff {

    private static final String POOL_CLASS = "poolClassName";

    private final String database;
    private final String from;
    private final String to;
    private final List<String> added;
    private final List<String> removed;
    private final Map<String, List<String>> changed;
    private final List<String> ruleTypes;
    private final List<String> props;
    /** Readable lines of each change, values of secret keys left out. */
    private final List<String> lines;

    private RevisionDiff(String database, String from, String to, List<String> added, List<String> removed,
                         Map<String, List<String>> changed, List<String> ruleTypes, List<String> props, List<String> lines) {
        this.database = database;
        this.from = from;
        this.to = to;
        this.added = List.copyOf(added);
        this.removed = List.copyOf(removed);
        this.changed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changed));
        this.ruleTypes = List.copyOf(ruleTypes);
        this.props = List.copyOf(props);
        this.lines = List.copyOf(lines);
    }

    /** The difference from {@code a} (revision {@code from}) to {@code b} (revision {@code to}). */
    static RevisionDiff between(String database, String from, DatabaseConfig a, GovernanceProps propsA,
                                String to, DatabaseConfig b, GovernanceProps propsB) {
        List<String> lines = new ArrayList<>();
        List<String> added = new ArrayList<>(new TreeSet<>(b.dataSources().keySet()));
        added.removeAll(a.dataSources().keySet());
        List<String> removed = new ArrayList<>(new TreeSet<>(a.dataSources().keySet()));
        removed.removeAll(b.dataSources().keySet());
        added.forEach(n -> lines.add("+ data source " + n));
        removed.forEach(n -> lines.add("- data source " + n));
        Map<String, List<String>> changed = new TreeMap<>();
        for (String n : new TreeSet<>(a.dataSources().keySet())) {
            DataSourceConfig x = a.dataSources().get(n);
            DataSourceConfig y = b.dataSources().get(n);
            if (y != null && !x.equals(y)) {
                Map<String, String> before = withPoolClass(x);
                Map<String, String> after = withPoolClass(y);
                List<String> keys = changedKeys(before, after);
                changed.put(n, keys);
                lines.add("~ data source " + n + ": " + describe(keys, before, after));
            }
        }
        List<String> ruleTypes = changedRuleTypes(a.rules(), b.rules());
        if (!ruleTypes.isEmpty()) {
            lines.add("~ rules: " + String.join(", ", ruleTypes.stream().map(t -> "!" + t).toList()));
        }
        List<String> props = changedKeys(propsA.values(), propsB.values());
        if (!props.isEmpty()) {
            lines.add("~ props: " + describe(props, propsA.values(), propsB.values()));
        }
        return new RevisionDiff(database, from, to, added, removed, changed, ruleTypes, props, lines);
    }

    private static Map<String, String> withPoolClass(DataSourceConfig c) {
        Map<String, String> m = new TreeMap<>(c.properties());
        if (c.poolClassName() != null) {
            m.put(POOL_CLASS, c.poolClassName());
        }
        return m;
    }

    private static List<String> changedKeys(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys.stream().filter(k -> !Objects.equals(a.get(k), b.get(k))).toList();
    }

    private static String describe(List<String> keys, Map<String, String> a, Map<String, String> b) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            if (RepositoryConfig.isSecret(k)) {
                parts.add(k + " (secret, not shown)");
            } else {
                parts.add(k + ": " + shown(k, a.get(k)) + " -> " + shown(k, b.get(k)));
            }
        }
        return String.join(", ", parts);
    }

    /** A non-secret value for the text: {@code (none)} when absent; a URL without user info or password parameters. */
    private static String shown(String key, String value) {
        if (value == null) {
            return "(none)";
        }
        if (key.toLowerCase(java.util.Locale.ROOT).contains("url")) {
            return value.replaceAll("//[^/@\\s]+@", "//").replaceAll("(?i)((?:password|passwd|pwd)=)[^&;]*", "$1******");
        }
        return value;
    }

    private static List<String> changedRuleTypes(List<RuleConfig> a, List<RuleConfig> b) {
        Map<String, List<RuleConfig>> x = byType(a);
        Map<String, List<RuleConfig>> y = byType(b);
        Set<String> types = new TreeSet<>(x.keySet());
        types.addAll(y.keySet());
        return types.stream().filter(t -> !Objects.equals(x.get(t), y.get(t))).toList();
    }

    private static Map<String, List<RuleConfig>> byType(List<RuleConfig> rules) {
        Map<String, List<RuleConfig>> m = new TreeMap<>();
        rules.forEach(r -> m.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r));
        return m;
    }

    /** The database. */
    public String database() {
        return database;
    }

    /** The revision compared from. */
    public String from() {
        return from;
    }

    /** The revision compared to. */
    public String to() {
        return to;
    }

    /** Data sources in {@link #to()} only, sorted. */
    public List<String> addedDataSources() {
        return added;
    }

    /** Data sources in {@link #from()} only, sorted. */
    public List<String> removedDataSources() {
        return removed;
    }

    /** Data sources in both whose configuration differs, sorted, each with the names of its changed keys. */
    public Map<String, List<String>> changedDataSources() {
        return changed;
    }

    /** The types of the rules that were added, removed or changed, sorted. */
    public List<String> changedRuleTypes() {
        return ruleTypes;
    }

    /** The props keys whose value differs, sorted. */
    public List<String> changedProps() {
        return props;
    }

    /** Whether the two revisions have the same content. */
    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /**
     * One line for the revisions, then one per change: {@code + data source x}, {@code - data source x},
     * {@code ~ data source x: key: old -> new, password (secret, not shown)}, {@code ~ rules: !TYPE},
     * {@code ~ props: key: old -> new}; or {@code (no changes)}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("database '").append(database).append("': revision ").append(from)
                .append(" -> ").append(to);
        if (lines.isEmpty()) {
            sb.append("\n  (no changes)");
        }
        lines.forEach(l -> sb.append("\n  ").append(l));
        return sb.toString();
    }
}
