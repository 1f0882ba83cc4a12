package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Paths;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which instances a rollout ({@link GovernanceAdmin#rollout(String, io.governor.api.config.DatabaseConfig, RolloutPlan)})
 * goes to first, how long it waits for them, and whether it promotes by itself. Start from one of
 * {@link #instances}, {@link #label} or {@link #any}; each {@code with...} method returns a new plan.
 *
 * <p>Immutable and thread-safe. The factories check their arguments ({@code INVALID_ARGUMENT}); whether the
 * instances exist is checked when the rollout starts ({@code NOT_FOUND}).
 */
public final class RolloutPlan {

    /** How long a rollout waits for its chosen instances unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** How a plan chooses its instances. */
    public enum Selector {
        /** The instances named by id. */
        INSTANCES,
        /** The instances carrying a label ({@code governance.labels}), also those that start during the rollout. */
        LABEL,
        /** Any {@code n} of the instances governing the database, chosen by the admin. */
        ANY
    }

    private final Selector selector;
    private final List<String> ids;
    private final String labelKey;
    private final String labelValue;
    private final int count;
    private final Duration timeout;
    private final boolean promoteAutomatically;
    private final String message;

    private RolloutPlan(Selector selector, List<String> ids, String labelKey, String labelValue, int count, Duration timeout,
                        boolean promoteAutomatically, String message) {
        this.selector = selector;
        this.ids = ids;
        this.labelKey = labelKey;
        this.labelValue = labelValue;
        this.count = count;
        this.timeout = timeout;
        this.promoteAutomatically = promoteAutomatically;
        this.message = message;
    }

    /** The instances with these ids (as {@link GovernanceAdmin#instances()} lists them); at least one. */
    public static RolloutPlan instances(String... ids) {
        if (ids == null || ids.length == 0) {
            throw invalid("rollout plan: name at least one instance id");
        }
        for (String id : ids) {
            Paths.requireSegment(id, "instance id");
        }
        return new RolloutPlan(Selector.INSTANCES, List.copyOf(new java.util.LinkedHashSet<>(List.of(ids))), null, null,
                0, DEFAULT_TIMEOUT, true, "");
    }

    /**
     * The instances whose {@code governance.labels} have {@code key} set to {@code value}: those registered when
     * the rollout starts (it waits for them), and any that starts with the label while it is open (it runs the
     * candidate too).
     */
    public static RolloutPlan label(String key, String value) {
        if (key == null || key.isEmpty() || value == null) {
            throw invalid("rollout plan: a label needs a non-empty key and a value");
        }
        return new RolloutPlan(Selector.LABEL, List.of(), key, value, 0, DEFAULT_TIMEOUT, true, "");
    }

    /** Any {@code n} of the instances governing the database ({@code n >= 1}). */
    public static RolloutPlan any(int n) {
        if (n < 1) {
            throw invalid("rollout plan: any(" + n + "): choose at least one instance");
        }
        return new RolloutPlan(Selector.ANY, List.of(), null, null, n, DEFAULT_TIMEOUT, true, "");
    }

    /** How long to wait for the chosen instances before withdrawing (default {@link #DEFAULT_TIMEOUT}). */
    public RolloutPlan timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw invalid("rollout plan: timeout must be positive, got " + timeout);
        }
        return new RolloutPlan(selector, ids, labelKey, labelValue, count, timeout, promoteAutomatically, message);
    }

    /**
     * Whether a rollout that every chosen instance applied is promoted by the same call (default true); with
     * false it stays open ({@link RolloutResult.Outcome#CANARY_VERIFIED}) until {@link GovernanceAdmin#promote}
     * or {@link GovernanceAdmin#abortRollout}.
     */
    public RolloutPlan promoteAutomatically(boolean promote) {
        return new RolloutPlan(selector, ids, labelKey, labelValue, count, timeout, promote, message);
    }

    /** A note for other operators, shown by {@link GovernanceAdmin#rollout(String)}. */
    public RolloutPlan message(String message) {
        return new RolloutPlan(selector, ids, labelKey, labelValue, count, timeout, promoteAutomatically,
                Objects.requireNonNullElse(message, ""));
    }

    public Selector selector() {
        return selector;
    }

    /** The ids of an {@link Selector#INSTANCES} plan (empty for the others). */
    public List<String> ids() {
        return ids;
    }

    /** The label key of a {@link Selector#LABEL} plan, else null. */
    public String labelKey() {
        return labelKey;
    }

    /** The label value of a {@link Selector#LABEL} plan, else null. */
    public String labelValue() {
        return labelValue;
    }

    /** How many instances an {@link Selector#ANY} plan chooses (0 for the others). */
    public int count() {
        return count;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean promotesAutomatically() {
        return promoteAutomatically;
    }

    public String message() {
        return message;
    }

    /** The selector as shown to operators: {@code instances [a, b]}, {@code label zone=eu-1}, {@code any 2}. */
    @Override
    public String toString() {
        return switch (selector) {
            case INSTANCES -> "instances " + ids;
            case LABEL -> "label " + labelKey + "=" + labelValue;
            case ANY -> "any " + count;
        };
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
