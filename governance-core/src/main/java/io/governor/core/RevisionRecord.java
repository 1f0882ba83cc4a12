package io.governor.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One revision kept in a database's (or the props') history: which revision, when, which admin
 * wrote it and how it ended. The content itself is not part of it: get it with
 * {@link GovernanceAdmin#content}. {@link #toString()} shows no configuration value.
 *
 * <p>Immutable and thread-safe.
 *
 * @param revision the revision written ({@link GovernanceAdmin#revision}); for the props, the revision of the
 *                 props alone (see {@link GovernanceAdmin#historyOfProps()})
 * @param time     when the admin wrote it (the admin's clock)
 * @param host     the host of the admin's process
 * @param user     the operating system user of the admin's process ({@code user.name})
 * @param message  the message the writer gave ({@link GovernanceAdmin#withMessage}), or null
 * @param outcome  how the revision ended
 */
public record RevisionRecord(String revision, Instant time, String host, String user, String message, Outcome outcome) {

    /** Every component but {@code message} is required. */
    public RevisionRecord {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How a kept revision ended. */
    public enum Outcome {
        /** Written directly to every instance (an admin write, a start-up seed or overwrite, a rollback). */
        PUBLISHED,
        /** Published as a rollout to chosen instances, not yet promoted or withdrawn. */
        ROLLOUT,
        /** A rollout that was promoted to every instance. */
        PROMOTED,
        /** A rollout that was withdrawn: no instance but the chosen ones ever ran it. */
        WITHDRAWN,
        /** Replaced by a rollback to an earlier revision. */
        ROLLED_BACK
    }

    @Override
    public String toString() {
        return revision + " " + time + " by " + user + "@" + host + " " + outcome + (message == null ? "" : " \"" + message + "\"");
    }
}
