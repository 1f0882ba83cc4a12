package io.governor.core;

import java.time.Instant;
import java.util.List;

/**
 * An open rollout as {@link GovernanceAdmin#rollout(String)} shows it to any admin: who started it, when, the
 * revisions, and where each chosen instance is. Immutable; a snapshot of one moment.
 *
 * @param id           the rollout's id
 * @param database     the database it changes
 * @param host         the host of the admin that started it
 * @param user         the operating-system user of that admin
 * @param startedAt    when it started
 * @param message      the note it was started with (empty when none)
 * @param baseRevision the revision the database had when it started (what the others run)
 * @param revision     the candidate revision
 * @param selector     how the instances were chosen ({@link RolloutPlan#toString()})
 * @param chosen       the chosen instances, sorted by id, each with its state now: those chosen when it started
 *                     and, for a label rollout, every instance that carries the label now
 */
public record RolloutInfo(String id, String database, String host, String user, Instant startedAt, String message,
                          String baseRevision, String revision, String selector, List<Chosen> chosen) {

    public RolloutInfo {
        chosen = List.copyOf(chosen);
    }

    /** Where a chosen instance is with the candidate. */
    public enum State {
        /** It has not applied the candidate yet. */
        PENDING,
        /** It runs the candidate revision. */
        APPLIED,
        /** It rejected the candidate revision. */
        REJECTED,
        /** It is no longer registered. */
        GONE
    }

    /**
     * A chosen instance.
     *
     * @param instanceId its id
     * @param state      its state
     * @param detail     {@link State#REJECTED}: its reason; {@link State#PENDING}: the revision it runs; else empty
     */
    public record Chosen(String instanceId, State state, String detail) {
    }
}
