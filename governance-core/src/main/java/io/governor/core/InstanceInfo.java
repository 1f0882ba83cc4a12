package io.governor.core;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an instance reports about itself in its ephemeral status node, as listed by
 * {@link GovernanceAdmin#instances()}. Immutable.
 *
 * @param id                  {@code host@pid@random}
 * @param host                the host name
 * @param pid                 the process id
 * @param started             when the instance started
 * @param version             the Governor library version
 * @param state               the state the instance applies (which follows the operator's control
 *                            node): {@link InstanceState#CIRCUIT_BREAKER} once its circuit breaker is on
 * @param appliedRevisions    database to the revision of the configuration the instance runs
 * @param errors              database to the last rejected change's reason, for databases whose latest
 *                            change the instance could not apply
 * @param disabledDataSources database to the data sources the instance has applied as disabled (skips
 *                            for reads); a database with none is absent
 */
public record InstanceInfo(String id, String host, long pid, Instant started, String version, InstanceState state,
                           Map<String, String> appliedRevisions, Map<String, String> errors,
                           Map<String, Set<String>> disabledDataSources) {

    public InstanceInfo {
        appliedRevisions = Map.copyOf(appliedRevisions);
        errors = Map.copyOf(errors);
        Map<String, Set<String>> disabled = new TreeMap<>();
        disabledDataSources.forEach((db, names) -> {
            if (!names.isEmpty()) {
                disabled.put(db, Set.copyOf(new TreeSet<>(names)));
            }
        });
        disabledDataSources = Map.copyOf(disabled);
    }

    /** An instance with no data source disabled. */
    public InstanceInfo(String id, String host, long pid, Instant started, String version, InstanceState state,
                        Map<String, String> appliedRevisions, Map<String, String> errors) {
        this(id, host, pid, started, version, state, appliedRevisions, errors, Map.of());
    }

    /** The data sources of a database this instance has applied as disabled (empty when none). */
    public Set<String> disabledDataSources(String db) {
        return disabledDataSources.getOrDefault(db, Set.of());
    }

    /** Whether the instance governs a database (it reported a revision or a rejection for it). */
    public boolean governs(String db) {
        return appliedRevisions.containsKey(db) || errors.containsKey(db);
    }
}
