package io.governor.api.repository;

import java.util.Collection;
import java.util.SortedMap;

/**
 * Reads of many nodes in few round trips: optional, for a backend that can do better than one
 * {@link Repository#get} per node. A repository class implements it beside {@link Repository};
 * callers never check for it themselves but take {@link #of(Repository)}, which gives the
 * repository's own implementation or the plain one (one {@code get} per node, {@code watch} for
 * {@code watchKeys}). Either way the results are the same; only the number of requests differs, so
 * the contract kit runs the same tests through {@code of} on every backend.
 *
 * <p><b>Thread safety and blocking</b> as for every repository operation: safe for concurrent use;
 * every read blocks until it is answered or the request timeout passes ({@code TIMEOUT}).
 * <b>Failure:</b> {@link io.governor.api.GovernanceException} as the single-key operations throw it
 * (after {@link Repository#close()}: {@code CLOSED}); one failing read fails the whole call, with no
 * partial result. Every read is safe to retry.
 *
 * <p><b>Consistency:</b> none of these reads is a snapshot unless the implementation says so (etcd's
 * {@code readAll} is one). Each value is the node's value at some moment during the call, exactly as
 * the plain implementation would read it; a child created after the listing may be missed.
 */
public interface BulkReads {

    /**
     * Reads the values of a key's direct children: child name to value and version, sorted by name
     * ({@link String#compareTo}). Children that hold no value (a parent created on the way to a
     * deeper key) and children deleted while the call runs are left out; a key with no children, or
     * that does not exist, gives an empty map.
     *
     * <p>The plain implementation is {@link Repository#children} and one {@link Repository#get} per
     * child. Implementations read in fewer round trips (etcd: one range request; ZooKeeper: the reads
     * pipelined on the connection).
     */
    SortedMap<String, VersionedValue> childValues(String key);

    /**
     * Reads several nodes and the children of several parents in one call: the value of each of
     * {@code keys}, and the direct children with values of each of {@code parents}. Every node found
     * is in the result under its full key ({@code /a/b}, not {@code b}), sorted by key
     * ({@link String#compareTo}); a key that does not exist or holds no value is absent, and each
     * parent contributes exactly what {@link #childValues} gives for it (a missing or childless
     * parent nothing). A node named twice, or both as a key and as a child, appears once. Empty
     * collections are allowed.
     *
     * <p><b>Arguments</b> are checked before anything is read ({@link Paths#requireReadAll}): a null
     * collection, a null or illegal key, or the root {@code /} among {@code keys} fails with
     * {@code INVALID_ARGUMENT}, as the single-key operations do; the root is a legal parent. The
     * failure message names {@code readAll} (the plain implementation: the failing {@code get} or
     * {@code childValues}).
     *
     * <p>The plain implementation is one {@code get} per key and one {@code childValues} per parent.
     * Implementations read everything in fewer round trips (etcd: one transaction of range reads, a
     * snapshot; ZooKeeper: one read-only multi, or two pipelined rounds). Core uses it to re-read a
     * database with its rules and the props after every change, where its configuration watch does
     * not answer {@link LocalReads#readLocally}.
     *
     * @param keys    nodes to read by key
     * @param parents nodes whose direct children to read ({@code /} allowed)
     * @return every node found, by full key, sorted
     */
    SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents);

    /**
     * Watches a prefix as {@link Repository#watch} does, for a listener that only needs to know which
     * keys changed and reads what it needs itself (with {@link #readAll}). Registration, threads,
     * order per key, close and the resynchronisation after a reconnect, session expiry or compaction
     * are as for {@code watch}; no change is missed: each change made after registration gives at
     * least one event for its key. What differs:
     * <ul>
     *   <li>an event's value may be null and its version -1: the repository did not read them;</li>
     *   <li>an event may be spurious: for a key that holds no value (a parent created on the way to
     *       a deeper key), or that changed and changed back, or again after a resynchronisation;</li>
     *   <li>a key's type ({@code ADDED} or {@code UPDATED}) is as far as the repository knows
     *       without reading; {@code DELETED} is exact.</li>
     * </ul>
     *
     * <p>The plain implementation is {@code watch} itself, whose events satisfy all of this.
     * ZooKeeper implements it: its notifications carry no data, and {@code watch} reads each changed
     * node before delivering, a request per change per watcher that this skips. Core's watch of the
     * configuration, which re-reads a whole database on any change, uses it.
     *
     * @param prefix a key, or {@code /} for the whole namespace
     */
    Watch watchKeys(String prefix, WatchListener listener);

    /**
     * The bulk reads of {@code repository}: the repository itself where it implements this
     * interface, otherwise the plain implementation over its single-key operations.
     */
    static BulkReads of(Repository repository) {
        return repository instanceof BulkReads own ? own : new PlainReads(repository);
    }
}
