package io.governor.core;

import java.time.Instant;
import java.util.Map;

/**
 * What an instance reports about itself in its ephemeral status node, as listed by
 * {@link GovernanceAdmin#instances()}. Immutable.
 *
 * @param id               {@code host@pid@random}
 * @param host             the host name
 * @param pid              the process id
 * @param started          when the instance started
 * @param version          the Governor library version
 * @param state            the state the instance applies (which follows the operator's control node)
 * @param appliedRevisions database to the revision of the configuration the instance runs
 * @param errors           database to the last rejected change's reason, for databases whose latest
 *                         change the instance could not apply
 */
public record InstanceInfo(String id, String host, long pid, Instant started, String version, InstanceState state,
                           Map<String, String> appliedRevisions, Map<String, String> errors) {

    public InstanceInfo {
        appliedRevisions = Map.copyOf(appliedRevisions);
        errors = Map.copyOf(errors);
    }
}
