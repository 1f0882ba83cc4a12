package io.governor.api.repository;

import java.time.Duration;
import java.util.Optional;

/**
 * A named mutual-exclusion lock shared by every client of the same registry namespace.
 *
 * <p>Not reentrant: every successful {@link #tryLock} is a separate grant, and a second call while
 * a lease from the first is still held waits like any other contender. Thread-safe.
 */
public interface DistributedLock {

    /** The lock's name. */
    String name();

    /**
     * Waits up to {@code timeout} for the lock. A zero timeout tries once.
     *
     * <p>Blocks the calling thread. On interrupt the thread's flag is restored and
     * {@code INTERRUPTED} is thrown; the attempt is withdrawn.
     *
     * @return the lease, or empty if the lock could not be taken in time
     * @throws io.governor.api.GovernanceException {@code UNAVAILABLE} when the backend cannot be reached
     */
    Optional<LockLease> tryLock(Duration timeout);
}
