package io.governor.core;

/**
 * How a rollout started by {@link GovernanceAdmin#rollout(String, io.governor.api.config.DatabaseConfig, RolloutPlan)}
 * ended. Immutable.
 *
 * @param outcome    what happened
 * @param rolloutId  the rollout's id
 * @param revision   {@link Outcome#PROMOTED}: the revision every instance now converges to (pass it to
 *                   {@link GovernanceAdmin#awaitConvergence}); otherwise the candidate revision
 * @param instanceId {@link Outcome#WITHDRAWN}: the instance that rejected the candidate, did not apply it in
 *                   time or left the registry (null when another admin aborted the rollout); else null
 * @param reason     {@link Outcome#WITHDRAWN}: why, as that instance reported it; else null
 */
public record RolloutResult(Outcome outcome, String rolloutId, String revision, String instanceId, String reason) {

    /** The end of a rollout call. */
    public enum Outcome {
        /** Every chosen instance applied the candidate and it was promoted to every instance. */
        PROMOTED,
        /** Every chosen instance applied the candidate; the rollout stays open for an explicit promote or abort. */
        CANARY_VERIFIED,
        /** The rollout was withdrawn: the chosen instances go back to the base revision, no other saw the change. */
        WITHDRAWN
    }
}
