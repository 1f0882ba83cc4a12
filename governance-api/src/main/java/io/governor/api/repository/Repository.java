package io.governor.api.repository;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

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
 */
public interface Repository extends AutoCloseable {

    /** The provider's type key, e.g. {@code zookeeper}. */
    String type();

    /** What this repository can do beyond the basic operations. */
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
     * Reads the values of a key's direct children: child name to value and version, sorted by name
     * ({@link String#compareTo}). Children that hold no value (a parent created on the way to a
     * deeper key) and children deleted while the call runs are left out; a key with no children, or
     * that does not exist, gives an empty map. Needs {@link Capability#LIST_CHILDREN}. Safe to retry.
     *
     * <p><b>Consistency:</b> not a snapshot unless the implementation says so. Each value is the
     * child's value at some moment during the call, exactly as {@link #children} followed by one
     * {@link #get} per child would read it; a child created after the listing may be missed.
     *
     * <p>This default does just that, one round trip per child. Implementations override it to read
     * in fewer round trips (etcd: one range request; ZooKeeper: the reads pipelined on the
     * connection); the result must be the same.
     */
    default SortedMap<String, VersionedValue> childValues(String key) {
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        for (String name : children(key)) {
            get(Paths.join(key, name)).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /**
     * Reads several nodes and the children of several parents in one call: the value of each of
     * {@code keys}, and the direct children with values of each of {@code parents}. Every node found
     * is in the result under its full key ({@code /a/b}, not {@code b}), sorted by key
     * ({@link String#compareTo}); a key that does not exist or holds no value is absent, and each
     * parent contributes exactly what {@link #childValues} gives for it (a missing or childless
     * parent nothing). A node named twice, or both as a key and as a child, appears once. Empty
     * collections are allowed. Parents need {@link Capability#LIST_CHILDREN}. Safe to retry.
     *
     * <p><b>Arguments</b> are checked before anything is read ({@link Paths#requireReadAll}): a null
     * collection, a null or illegal key, or the root {@code /} among {@code keys} fails with
     * {@code INVALID_ARGUMENT}, as the single-key operations do; the root is a legal parent.
     *
     * <p><b>Thread safety and blocking</b> as for every operation: safe for concurrent use; blocks
     * until every read is answered or the request timeout passes ({@code TIMEOUT}).
     * <b>Failure:</b> one failing read fails the whole call (no partial result); overrides name
     * {@code readAll} and the node in the message, this default the failing {@code get} or
     * {@code childValues}. After {@link #close()} it throws {@code CLOSED} (this default only once it
     * has something to read).
     *
     * <p><b>Consistency:</b> not a snapshot unless the implementation says so. Each value is the
     * node's value at some moment during the call, exactly as one {@link #get} per key and one
     * {@link #childValues} per parent would read it.
     *
     * <p>This default does just that, one {@code get} per key and one {@code childValues} per parent.
     * Implementations override it to read everything in fewer round trips (etcd: one transaction of
     * range reads, a snapshot; ZooKeeper: one read-only multi, or two pipelined rounds); the result
     * must be the same. Core uses it to re-read a database with its rules and the props after every
     * change, where its configuration watch does not answer {@link Watch#readLocally}.
     *
     * @param keys    nodes to read by key
     * @param parents nodes whose direct children to read ({@code /} allowed)
     * @return every node found, by full key, sorted
     */
    default SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) {
        try {
            Paths.requireReadAll(keys, parents);
        } catch (io.governor.api.GovernanceException e) {
            throw new io.governor.api.GovernanceException(e.code(), "readAll on " + type() + " repository: "
                    + e.getMessage(), e);
        }
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        for (String key : keys) {
            get(key).ifPresent(v -> out.put(key, v));
        }
        for (String parent : parents) {
            childValues(parent).forEach((name, v) -> out.put(Paths.join(parent, name), v));
        }
        return out;
    }

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
     * Watches a prefix as {@link #watch} does, for a listener that only needs to know which keys
     * changed and reads what it needs itself. Registration, threads, order per key, close and the
     * resynchronisation after a reconnect, session expiry or compaction are as for {@code watch};
     * no change is missed: each change made after registration gives at least one event for its
     * key. What differs:
     * <ul>
     *   <li>an event's value may be null and its version -1: the repository did not read them;</li>
     *   <li>an event may be spurious: for a key that holds no value (a parent created on the way to
     *       a deeper key), or that changed and changed back, or again after a resynchronisation;</li>
     *   <li>a key's type ({@code ADDED} or {@code UPDATED}) is as far as the repository knows
     *       without reading; {@code DELETED} is exact.</li>
     * </ul>
     *
     * <p>This default is {@code watch} itself, whose events satisfy all of this. ZooKeeper overrides
     * it: its notifications carry no data, and {@code watch} reads each changed node before
     * delivering, a request per change per watcher that this skips. Core's watch of the
     * configuration, which re-reads a whole database on any change, uses it.
     *
     * @param prefix a key, or {@code /} for the whole namespace
     */
    default Watch watchKeys(String prefix, WatchListener listener) {
        return watch(prefix, listener);
    }

    /**
     * Closes the connection, its threads and watches. Ephemerals of a registry repository are
     * removed. Idempotent; never throws.
     */
    @Override
    void close();
}
