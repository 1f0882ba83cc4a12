package io.governor.core;

import io.governor.api.GovernanceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * This instance's status document: kept in memory, changed under one lock, and written as the
 * ephemeral status node by a coalescing writer. A change only records the new content and, unless
 * a write is already due, schedules one write on the instance's control thread
 * {@value #SETTLE_MILLIS} ms later; the write takes the latest content when it runs, so a burst of
 * changes costs one write and the last content always wins. The thread that applied a change never
 * waits for the registry center.
 *
 * <p>Why the write waits: a push reaches every instance of a fleet at once, and each instance's
 * status write is a request to the center (on etcd a gRPC call, most of the client CPU an applied
 * change costs). Written at once, the fleet's status writes meet the center and the cores while the
 * same push is still being delivered to and applied by the other instances; {@value #SETTLE_MILLIS}
 * ms later they come after it, and the changes of a burst (several databases, a rollout's steps)
 * share one write. An admin waiting for convergence sees the status that much later
 * (docs/performance.md §2, "status write settle").
 *
 * <p>It carries what the instance has applied (revisions, rejections, circuit state, disabled data
 * sources, databases started on their last good revision), each recorded after it took effect, so an admin that sees it knows it is in force.
 * Writes are serialised and each writes a content no older than the one before. A write that fails
 * (center unreachable) is logged; the next change or {@link #rewrite()} after a reconnect writes
 * the latest content. Thread-safe.
 */
final class InstanceStatus implements DatabaseGovernor.StatusSink {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceStatus.class);

    private final Instances registry;
    private final String namespace;
    /** How long a change's status write waits for more changes (see the class comment). */
    static final long SETTLE_MILLIS = 50;
    private final ControlThread writer;
    private final AtomicBoolean writeDue = new AtomicBoolean();
    /** Held while a write is made, so that writes leave in the order of the content they carry. */
    private final Object writeLock = new Object();
    private InstanceInfo info;
    /** Counts changes of {@link #info}; guarded by {@code this}. */
    private long changes;
    /** The change count of the content last written; guarded by {@link #writeLock}. */
    private long written = -1;
    private boolean closed;

    /**
     * @param writer runs the coalesced writes (one at a time is enough: writes are serialised anyway);
     *               a write it drops (closed) is not made
     */
    InstanceStatus(Instances registry, String namespace, String instanceId, Map<String, String> labels, ControlThread writer) {
        this.registry = registry;
        this.namespace = namespace;
        this.writer = writer;
        this.info = new InstanceInfo(instanceId, InstanceIds.host(), ProcessHandle.current().pid(), Instant.now(),
                Version.current(), InstanceState.ONLINE, Map.of(), Map.of(), Map.of(), labels, Map.of(), Set.of());
    }

    /**
     * Writes the latest content now, on the calling thread (start-up: the instance is registered
     * when it returns). Blocks for one write to the registry center; a failure is logged.
     */
    void publishNow() {
        write(false);
    }

    /**
     * Writes the latest content again on the calling thread even if it was written before (after a
     * reconnect, when the repository re-created the node from what it remembered).
     */
    void rewrite() {
        write(true);
    }

    void state(InstanceState state) {
        update(s -> s.withState(state));
    }

    @Override
    public void disabled(String db, Set<String> disabled) {
        synchronized (this) {
            if (info.disabledDataSources(db).equals(disabled)) {
                return;
            }
        }
        update(s -> {
            Map<String, Set<String>> all = new TreeMap<>(s.disabledDataSources());
            all.put(db, disabled);
            return s.withDatabase(s.appliedRevisions(), s.errors(), all, s.rejectedRevisions(), s.fallbacks());
        });
    }

    @Override
    public void applied(String db, String revision) {
        update(s -> {
            Map<String, String> revs = new TreeMap<>(s.appliedRevisions());
            revs.put(db, revision);
            Map<String, String> errs = new TreeMap<>(s.errors());
            errs.remove(db);
            Map<String, String> rejected = new TreeMap<>(s.rejectedRevisions());
            rejected.remove(db);
            Set<String> fallbacks = new java.util.TreeSet<>(s.fallbacks());
            fallbacks.remove(db);
            return s.withDatabase(revs, errs, s.disabledDataSources(), rejected, fallbacks);
        });
    }

    @Override
    public void rejected(String db, String revision, String message) {
        update(s -> {
            Map<String, String> errs = new TreeMap<>(s.errors());
            errs.put(db, message);
            return s.withDatabase(s.appliedRevisions(), errs, s.disabledDataSources(),
                    withRejected(s, db, revision), s.fallbacks());
        });
    }

    @Override
    public void fallback(String db, String revision, String rejectedRevision, String message) {
        update(s -> {
            Map<String, String> revs = new TreeMap<>(s.appliedRevisions());
            revs.put(db, revision);
            Map<String, String> errs = new TreeMap<>(s.errors());
            errs.put(db, message);
            Set<String> fallbacks = new java.util.TreeSet<>(s.fallbacks());
            fallbacks.add(db);
            return s.withDatabase(revs, errs, s.disabledDataSources(), withRejected(s, db, rejectedRevision), fallbacks);
        });
    }

    /** {@code s}'s rejected revisions with {@code db}'s set to {@code revision} (removed when null). */
    private static Map<String, String> withRejected(InstanceInfo s, String db, String revision) {
        Map<String, String> rejected = new TreeMap<>(s.rejectedRevisions());
        if (revision == null) {
            rejected.remove(db);
        } else {
            rejected.put(db, revision);
        }
        return rejected;
    }

    /** The content as last changed (written or about to be). */
    synchronized InstanceInfo current() {
        return info;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops writing (before the instance unregisters); a write already under way finishes. */
    synchronized void close() {
        closed = true;
    }

    private void update(UnaryOperator<InstanceInfo> change) {
        synchronized (this) {
            info = change.apply(info);
            changes++;
            if (closed) {
                return;
            }
        }
        if (writeDue.compareAndSet(false, true)) {
            // after the control thread closed, the write is dropped (the instance is unregistering)
            writer.schedule(() -> {
                writeDue.set(false);
                write(false);
            }, SETTLE_MILLIS);
        }
    }

    private void write(boolean force) {
        synchronized (writeLock) {
            InstanceInfo content;
            long version;
            synchronized (this) {
                if (closed) {
                    return;
                }
                content = info;
                version = changes;
            }
            if (version == written && !force) {
                return;
            }
            try {
                registry.publishStatus(content);
                written = version;
            } catch (GovernanceException e) {
                if (isClosed()) {
                    LOG.debug("[{}] status write ended by close: {}", namespace, e.getMessage());
                } else {
                    LOG.warn("[{}] could not publish the status of {} ({}); the next change or reconnect writes it",
                            namespace, content.id(), e.getMessage());
                }
            }
        }
    }
}
