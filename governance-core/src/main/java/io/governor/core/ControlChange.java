package io.governor.core;

import java.util.Objects;

/**
 * An operator's control change as {@link GovernanceAdmin} wrote it: a data source disabled or
 * enabled, an instance circuit-broken or restored. Pass it to {@link GovernanceAdmin#awaitControl}
 * to wait until every instance it concerns reports, in its status node, that it applied it.
 * Immutable.
 *
 * @param database   the database of a data source change, null for an instance change
 * @param dataSource the data source of a data source change, null for an instance change
 * @param instanceId the instance of an instance change, null for a data source change
 * @param state      what the change sets: {@code DISABLED} or {@code ENABLED} for a data source,
 *                   an {@link InstanceState} name for an instance
 */
public record ControlChange(String database, String dataSource, String instanceId, String state) {

    static final String DISABLED = "DISABLED";
    static final String ENABLED = "ENABLED";

    static ControlChange dataSource(String db, String ds, boolean disabled) {
        return new ControlChange(db, ds, null, disabled ? DISABLED : ENABLED);
    }

    static ControlChange instance(String id, InstanceState state) {
        return new ControlChange(null, null, id, state.name());
    }

    /**
     * Whether an instance must apply this change: the instance it names, or every instance that
     * governs the database.
     */
    public boolean concerns(InstanceInfo instance) {
        return instanceId != null ? instanceId.equals(instance.id()) : instance.governs(database);
    }

    /** Whether the instance's status shows this change applied. */
    public boolean appliedBy(InstanceInfo instance) {
        if (instanceId != null) {
            return instance.state().name().equals(state);
        }
        return instance.disabledDataSources(database).contains(dataSource) == DISABLED.equals(state);
    }

    /** What the instance runs instead, for a timeout message. */
    String appliedState(InstanceInfo instance) {
        if (instanceId != null) {
            return instance.state().name();
        }
        return instance.disabledDataSources(database).contains(dataSource) ? DISABLED : ENABLED;
    }

    @Override
    public String toString() {
        return instanceId != null ? "instance " + instanceId + " " + state
                : "data source " + database + "/" + dataSource + " " + Objects.requireNonNull(state);
    }
}
