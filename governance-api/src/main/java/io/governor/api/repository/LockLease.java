package io.governor.api.repository;

/**
 * Proof of holding a {@link DistributedLock}, with a fencing token.
 *
 * <p>The fencing token increases strictly with every grant of the same lock, across all clients
 * (ZooKeeper: the lock node's creation zxid; etcd: the lock key's create revision). Pass it to the
 * resource the lock protects so the resource can refuse a holder that lost the lock without
 * knowing it.
 *
 * <p>Thread-safe. {@link #close()} releases the lock; closing twice, or closing a lost lease, is
 * harmless and never throws.
 */
public interface LockLease extends AutoCloseable {

    /** The lock's name. */
    String name();

    /** The fencing token of this grant. */
    long fencingToken();

    /**
     * Whether the lock is still held: false after {@link #close()} and after the session or lease
     * that held it was lost. A holder must not trust work done after this turns false.
     */
    boolean isValid();

    /**
     * Runs {@code callback} once, on a repository thread, when this lease is lost through session or
     * lease loss (not when it is closed). If it is already lost, the callback runs at once on the
     * calling thread.
     */
    void onLost(Runnable callback);

    /** Releases the lock. */
    @Override
    void close();
}
