package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Watch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The waiting of {@link GovernanceAdmin#awaitConvergence} and {@link GovernanceAdmin#awaitControl}:
 * re-read the instances' status nodes on every change until none lags. Blocks the caller up to the
 * timeout; thread-safe (no state).
 */
final class StatusWait {

    private StatusWait() {
    }

    /** The instances a wait is about, and those still behind (described), out of {@code total}. */
    record Progress(List<InstanceInfo> instances, List<String> laggards, int total) {
    }

    /**
     * How an instance that does not run the awaited revision of {@code db} is named: the revision it
     * runs and, if it rejected a change, why; an instance running the last good revision because it
     * could not start on the current one says so.
     */
    static String lag(InstanceInfo i, String db) {
        String runs = i.appliedRevisions().getOrDefault(db, "none");
        String error = i.errors().get(db);
        if (i.runsFallback(db)) {
            String rejected = i.rejectedRevisions().get(db);
            return i.id() + " runs last good revision " + runs + " (fallback); "
                    + (rejected == null ? "current configuration" : "current revision " + rejected) + " rejected: " + error;
        }
        String lag = i.id() + " at " + runs;
        return error == null ? lag : lag + " (rejected: " + error + ")";
    }

    /**
     * Re-reads the instances after status nodes changed (and at least every 200 ms) until
     * {@code progress} reports no laggard, or fails with {@code TIMEOUT} naming them. Changes that
     * arrive while a read is under way are not lost, and they cost one more read between them, not
     * one each (a push makes every instance write its status at about the same time).
     */
    static List<InstanceInfo> await(Instances registry, String what, Duration timeout,
                                     java.util.function.Function<List<InstanceInfo>, Progress> progress) {
        Object signal = new Object();
        long[] changes = {0}; // guarded by signal
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Watch ignored = registry.repository().watch(NodePaths.STATUS_INSTANCES, e -> {
            synchronized (signal) {
                changes[0]++;
                signal.notifyAll();
            }
        })) {
            while (true) {
                long seen;
                synchronized (signal) {
                    seen = changes[0];
                }
                Progress p = progress.apply(registry.instances());
                if (p.laggards().isEmpty()) {
                    return p.instances();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    StringBuilder sb = new StringBuilder(what + ": " + p.laggards().size() + " of " + p.total()
                            + " instances did not apply it within " + timeout.toMillis() + " ms:");
                    p.laggards().forEach(l -> sb.append(' ').append(l).append(';'));
                    throw new GovernanceException(ErrorCode.TIMEOUT, sb.toString());
                }
                synchronized (signal) {
                    if (changes[0] == seen) {
                        signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                    }
                }
            }
        } catch (InterruptedException e) {
            throw GovernanceException.interrupted(what, e);
        }
    }
}
