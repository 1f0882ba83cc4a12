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
 * @param labels              the labels the instance carries from its configuration
 *                            ({@code governance.labels}), which a rollout can choose instances by
 * @param rejectedRevisions   database to the revision whose rejection {@code errors} reports (absent when
 *                            the rejected content had no revision: it could not be read)
 * @param fallbacks           the databases the instance runs on their last good revision because it could
 *                            not start on the current one (it keeps retrying the current one)
 */
public record InstanceInfo(String id, String host, long pid, Instant started, String version, InstanceState state,
                           Map<String, String> appliedRevisions, Map<String, String> errors,
                           Map<String, Set<String>> disabledDataSources, Map<String, String> labels,
                           Map<String, String> rejectedRevisions, Set<String> fallbacks) {

    public InstanceInfo {
        appliedRevisions = Map.copyOf(appliedRevisions);
        errors = Map.copyOf(errors);
        labels = Map.copyOf(labels);
        rejectedRevisions = Map.copyOf(rejectedRevisions);
        fallbacks = Set.copyOf(fallbacks);
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
        this(id, host, pid, started, version, state, appliedRevisions, errors, Map.of(), Map.of(), Map.of(), Set.of());
    }

    /** An instance with no labels, no rejected revision recorded and no fallback. */
    public InstanceInfo(String id, String host, long pid, Instant started, String version, InstanceState state,
                        Map<String, String> appliedRevisions, Map<String, String> errors,
                        Map<String, Set<String>> disabledDataSources) {
        this(id, host, pid, started, version, state, appliedRevisions, errors, disabledDataSources, Map.of(), Map.of(),
                Set.of());
    }

    /** Whether the instance runs a database on its last good revision (see {@link #fallbacks()}). */
    public boolean runsFallback(String db) {
        return fallbacks.contains(db);
    }

    InstanceInfo withState(InstanceState s) {
        return new InstanceInfo(id, host, pid, started, version, s, appliedRevisions, errors, disabledDataSources, labels,
                rejectedRevisions, fallbacks);
    }

    InstanceInfo withDatabase(Map<String, String> applied, Map<String, String> errs, Map<String, Set<String>> disabled,
                              Map<String, String> rejected, Set<String> fallback) {
        return new InstanceInfo(id, host, pid, started, version, state, applied, errs, disabled, labels, rejected, fallback);
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
