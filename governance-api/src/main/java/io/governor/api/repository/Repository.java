package io.governor.api.repository;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A hierarchical key-value store with watches: what a config center is to Governor.
 *
 * <p>Keys follow {@link Paths}: absolute, {@code /}-separated, relative to the repository's
 * namespace (a ZooKeeper chroot, an etcd key prefix, ...). Values are UTF-8 text of at most
 * {@link #maxValueBytes()} bytes.
 *
 * <p><b>Thread safety:</b> every implementation is safe for concurrent use by many threads.
 * <b>Blocking:</b> every operation but {@link #watch} blocks until the backend answers or the
 * repository's request timeout passes ({@code TIMEOUT}). <b>Failure:</b> every operation throws
 * {@link io.governor.api.GovernanceException} with an error code; the message names the operation,
 * the key and the repository type. After {@link #close()} every operation throws {@code CLOSED}.
 *
 * <p><b>Writes whose answer is lost</b> (a connection cut, a session expiry, a leader change): every
 * write has a known outcome or fails with {@code OUTCOME_UNKNOWN} (or {@code TIMEOUT}): it applied
 * once or not at all, never twice; re-read before repeating it. A write is never resent blindly, and
 * never reported as refused ({@code false}, {@code CONFLICT}) unless it certainly did not apply. Any
 * other error means nothing was applied. See docs/spi.md.
 *
 * <p><b>Watches and missed events:</b> a watch delivers, for its prefix and all descendants, every
 * change in order per key. After a reconnect, a session expiry or a compaction the repository
 * re-reads the prefix and emits the events the listener missed (intermediate values may be
 * coalesced into one event), so a listener's view always converges to the store's.
 *
 * <p>These are the operations of the contract, and all a backend must write. Reading many nodes in
 * fewer round trips is optional: see {@link BulkReads}. A repository that can also be a registry
 * center is a {@link RegistryRepository}.
 */
public interface Repository extends AutoCloseable {

    /** The provider's type key, e.g. {@code zookeeper}. */
    String type();

    /**
     * The optional guarantees this repository gives ({@link Capability}); the same for every
     * repository of its type, and the one place a backend declares them.
     */
    Set<Capability> capabilities();

    /** The largest value, in UTF-8 bytes, that {@link #put} accepts. */
    int maxValueBytes();

    /**
     * Reads a key. Safe to retry.
     *
     * @return the value with its version, or empty if the key does not exist or holds no value
     */
    Optional<VersionedValue> get(String key);

    /**
     * Lists the direct children of a key, sorted by name ({@link String#compareTo}). A key with no
     * children, or that does not exist, has an empty list. Safe to retry.
     */
    List<String> children(String key);

    /**
     * Creates or overwrites a key, creating missing parents. Safe to retry after any error but
     * {@code OUTCOME_UNKNOWN}/{@code TIMEOUT} (the end state is the same); after those, retrying
     * may write the value again over a later writer's.
     *
     * <p>The key written is persistent, also where it was an ephemeral (of this client or another);
     * an ephemeral of this client's is no longer re-created after a session or lease loss. The same
     * holds for a successful {@link #compareAndSet} and for the puts of a {@link #commit}.
     *
     * @throws io.governor.api.GovernanceException {@code VALUE_TOO_LARGE} before anything is sent
     *         when the value exceeds {@link #maxValueBytes()}
     */
    void put(String key, String value);

    /**
     * Atomically replaces a key's value if it currently equals {@code expectedValue}; with a null
     * {@code expectedValue}, creates the key only if it is absent. Not blindly retryable: after
     * {@code OUTCOME_UNKNOWN} or {@code TIMEOUT}, re-read to learn whether it took effect.
     *
     * <p>Atomic only where {@link #capabilities()} contains {@link Capability#COMPARE_AND_SET};
     * elsewhere it is a best-effort read-then-write and the javadoc of the implementation says so.
     *
     * @return true if the value was written, false if the current value did not match (certainly not
     *         written)
     */
    boolean compareAndSet(String key, String expectedValue, String newValue);

    /**
     * Deletes a key and all its descendants. Deleting an absent key is not an error. Safe to retry
     * after any error but {@code OUTCOME_UNKNOWN}/{@code TIMEOUT}.
     */
    void delete(String key);

    /**
     * Applies checks and writes atomically: either every check holds and every write is applied,
     * or nothing is written. Only where {@link Capability#TRANSACTION} is declared; elsewhere it
     * throws {@code CAPABILITY_MISSING}.
     *
     * @return true if committed, false if a check failed (nothing was written)
     */
    default boolean commit(List<Operation> operations) {
        throw new io.governor.api.GovernanceException(io.governor.api.ErrorCode.CAPABILITY_MISSING,
                "commit: repository '" + type() + "' has no TRANSACTION capability");
    }

    /**
     * Watches a prefix (the key itself and all descendants). Returns once the watch is registered;
     * changes made after that are delivered. Existing keys are not replayed as events: read them
     * after registering the watch to get a consistent start.
     *
     * @param prefix a key, or {@code /} for the whole namespace
     */
    Watch watch(String prefix, WatchListener listener);

    /**
     * Closes the connection, its threads and watches. Ephemerals of a registry repository are
     * removed. Idempotent; never throws.
     */
    @Override
    void close();
}
