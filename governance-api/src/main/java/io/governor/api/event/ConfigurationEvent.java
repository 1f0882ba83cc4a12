package io.governor.api.event;

/**
 * A configuration change that an instance applied or rejected.
 *
 * @param namespace  the namespace
 * @param instanceId the instance that applied or rejected it
 * @param database   the database, or null for a change of props only
 * @param revision   the revision of the configuration applied or rejected (null if it could not be read)
 * @param summary    what changed, for humans (e.g. {@code "data sources changed: [replica_0]"})
 */
public record ConfigurationEvent(String namespace, String instanceId, String database, String revision,
                                 String summary) {
}
