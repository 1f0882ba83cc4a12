package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of a {@link MemoryStore} with the full {@link RegistryRepository} semantics, inside one
 * JVM: what tests and demos use as a config and registry center. Created by
 * {@link MemoryRepositoryProvider} (type {@code memory}); the namespace is a key prefix in the store.
 *
 * <p><b>Sessions.</b> Each client has a session; its ephemerals are removed from the store when the
 * session ends. {@link #expireSession()}, {@link #suspend()} and {@link #resume()} simulate what a
 * server or network does to a real client, so tests can exercise recovery.
 *
 * <p><b>Connection states.</b> A client is {@code CONNECTED} when created; listeners added later get
 * no replay of it. Afterwards listeners hear, in order: {@code SUSPENDED} on {@link #suspend()},
 * {@code RECONNECTED} on {@link #resume()}, and {@code LOST} then {@code RECONNECTED} on
 * {@link #expireSession()}.
 *
 * <p><b>Threads.</b> Watch events, connection states and lost-lease callbacks run on one daemon
 * thread per client, {@code governor-<namespace>-watch}, in store mutation order. Operations run on
 * the caller's thread and never block except on the store lock and in {@code tryLock}.
 *
 * <p><b>Locks</b> wait in a FIFO queue in the store; the holder shows as the ephemeral key
 * {@code /locks/{name}/holder}, whose version is the fencing token.
 *
 * <p>Thread-safe.
 */
public final class MemoryRepository implements RegistryRepository {

    private static final Logger log = LoggerFactory.getLogger(MemoryRepository.class);

    private final MemoryStore store;
    private final Namespace ns;
    private final String label;
    private final int maxValueBytes;
    private final Dispatcher dispatcher;
    private final MemoryStore.Subscriber subscriber = this::changed;
    private final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> ephemerals = new LinkedHashMap<>(); // full key -> value; guarded by store.lock
    private final Set<MemoryLease> leases = new HashSet<>(); // guarded by store.lock
    private long session; // guarded by store.lock
    private volatile boolean closed;
    private volatile boolean suspended;

    MemoryRepository(MemoryStore store, String namespace, int maxValueBytes) {
        this.store = store;
        this.ns = new Namespace(namespace);
        this.label = ns.label();
        this.maxValueBytes = maxValueBytes;
        this.dispatcher = new Dispatcher(label);
        this.session = store.newSession();
        store.subscribe(subscriber);
        log.info("[{}] memory repository connected to store '{}' (session {})", label, store.name(), session);
    }

    @Override
    public String type() {
        return MemoryRepositoryProvider.TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.values());
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        return store.get(enter("get", key, false));
    }

    @Override
    public List<String> children(String key) {
        return store.children(enter("children", key, true));
    }

    @Override
    public void put(String key, String value) {
        String full = enter("put", key, false);
        checkValue("put", key, value);
        store.lock.lock();
        try {
            store.put(full, value, 0);
            ephemerals.remove(full); // persistent now: not re-created after a session loss
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        String full = enter("compareAndSet", key, false);
        checkValue("compareAndSet", key, newValue);
        store.lock.lock();
        try {
            boolean done = store.compareAndSet(full, expectedValue, newValue);
            if (done) {
                ephemerals.remove(full); // persistent now
            }
            return done;
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public void delete(String key) {
        String full = enter("delete", key, false);
        store.lock.lock();
        try {
            store.delete(full);
            forgetEphemerals(full);
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public boolean commit(List<Operation> operations) {
        checkUsable("commit", "(" + operations.size() + " operations)");
        List<Operation> full = new ArrayList<>(operations.size());
        for (Operation op : operations) {
            String key = enter("commit", op.key(), false);
            if (op instanceof Operation.Put p) {
                checkValue("commit", p.key(), p.value());
                full.add(Operation.put(key, p.value()));
            } else if (op instanceof Operation.Delete) {
                full.add(Operation.delete(key));
            } else {
                full.add(Operation.check(key, ((Operation.Check) op).expectedValue()));
            }
        }
        store.lock.lock();
        try {
            boolean committed = store.commit(full);
            if (committed) {
                for (Operation op : full) {
                    if (op instanceof Operation.Delete) {
                        forgetEphemerals(op.key());
                    } else if (op instanceof Operation.Put) {
                        ephemerals.remove(op.key()); // persistent now
                    }
                }
            }
            return committed;
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        enter("watch", prefix, true);
        if (listener == null) {
            throw ns.error(ErrorCode.INVALID_ARGUMENT, "watch", prefix, "listener must not be null");
        }
        store.lock.lock();
        try {
            MemoryWatch w = new MemoryWatch(this, prefix, listener, store.revision());
            watches.add(w);
            return w;
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public void putEphemeral(String key, String value) {
        String full = enter("putEphemeral", key, false);
        checkValue("putEphemeral", key, value);
        store.lock.lock();
        try {
            checkUsable("putEphemeral", key);
            store.put(full, value, session);
            ephemerals.put(full, value);
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public DistributedLock lock(String name) {
        checkUsable("lock", "/locks/" + name);
        try {
            Paths.requireSegment(name, "lock name");
        } catch (GovernanceException e) {
            throw ns.error(ErrorCode.INVALID_ARGUMENT, "lock", "/locks/" + name, e.getMessage());
        }
        return new MemoryLock(this, store.locks(), ns, name);
    }

    @Override
    public void addConnectionStateListener(ConnectionStateListener listener) {
        stateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeConnectionStateListener(ConnectionStateListener listener) {
        stateListeners.remove(listener);
    }

    /**
     * Test hook: the server ends this client's session now, as a ZooKeeper session expiry or an etcd
     * lease revocation would. Its ephemerals are removed (other clients' watches see them deleted),
     * its locks are freed and its leases lost ({@code onLost} callbacks run), {@code LOST} is reported;
     * then a new session starts, the ephemerals are re-created with their latest values and
     * {@code RECONNECTED} is reported. Clears a {@link #suspend() suspension}. Returns when the store
     * reflects all of this; listeners are told on the watch thread.
     *
     * @throws GovernanceException {@code CLOSED} after {@link #close()}
     */
    public void expireSession() {
        store.lock.lock();
        try {
            ensureOpen("expireSession", "/");
            long old = session;
            int removed = store.removeSession(old);
            List<Runnable> callbacks = new ArrayList<>();
            for (MemoryLease lease : leases) {
                callbacks.addAll(lease.markLost());
                store.locks().release(lease);
            }
            log.warn("[{}] session {} expired: {} ephemerals removed, {} lock leases lost", label, old, removed, leases.size());
            leases.clear();
            report(ConnectionState.LOST);
            callbacks.forEach(dispatcher::submit);
            session = store.newSession();
            suspended = false;
            ephemerals.forEach((k, v) -> store.put(k, v, session));
            log.info("[{}] new session {}: {} ephemerals re-created", label, session, ephemerals.size());
            report(ConnectionState.RECONNECTED);
        } finally {
            store.lock.unlock();
        }
    }

    /**
     * Test hook: the connection drops but the session lives on. {@code SUSPENDED} is reported and every
     * operation throws {@code UNAVAILABLE} until {@link #resume()}; ephemerals and locks stay held.
     */
    public void suspend() {
        ensureOpen("suspend", "/");
        if (!suspended) {
            suspended = true;
            log.warn("[{}] connection suspended", label);
            report(ConnectionState.SUSPENDED);
        }
    }

    /** Test hook: ends a {@link #suspend() suspension} and reports {@code RECONNECTED}; no-op otherwise. */
    public void resume() {
        ensureOpen("resume", "/");
        if (suspended) {
            suspended = false;
            log.info("[{}] connection resumed", label);
            report(ConnectionState.RECONNECTED);
        }
    }

    /** Removes this client's ephemerals, frees its locks (leases turn invalid, no onLost), stops its thread. */
    @Override
    public void close() {
        store.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            store.unsubscribe(subscriber);
            store.removeSession(session);
            for (MemoryLease lease : leases) {
                lease.invalidate();
                store.locks().release(lease);
            }
            leases.clear();
            ephemerals.clear();
            store.locks().wakeAll();
        } finally {
            store.lock.unlock();
        }
        watches.clear();
        dispatcher.stop();
        log.info("[{}] memory repository closed", label);
    }

    /** Throws {@code CLOSED} or {@code UNAVAILABLE} when operations are not possible now. */
    void checkUsable(String operation, String key) {
        ensureOpen(operation, key);
        if (suspended) {
            throw ns.error(ErrorCode.UNAVAILABLE, operation, key, "connection is suspended");
        }
    }

    /** The current session id. Call under the store lock. */
    long session() {
        return session;
    }

    /** Creates a lease for a grant made by the lock table. Called under the store lock. */
    MemoryLease grant(String name, String key, long token) {
        MemoryLease lease = new MemoryLease(this, name, key, token);
        leases.add(lease);
        log.debug("[{}] lock '{}' granted, token {}", label, name, token);
        return lease;
    }

    void release(MemoryLease lease) {
        store.lock.lock();
        try {
            leases.remove(lease);
            store.locks().release(lease);
        } finally {
            store.lock.unlock();
        }
        log.debug("[{}] lock '{}' released, token {}", label, lease.name(), lease.fencingToken());
    }

    void removeWatch(MemoryWatch watch) {
        watches.remove(watch);
    }

    /** Called by the store under its lock for every mutation, in order. */
    private void changed(long revision, List<ChangeEvent> events) {
        if (watches.isEmpty()) {
            return; // a watch registered later starts after this revision
        }
        List<ChangeEvent> mine = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            String key = ns.relative(e.key());
            if (key != null && watched(key)) {
                mine.add(new ChangeEvent(e.type(), key, e.value(), e.version()));
            }
        }
        if (!mine.isEmpty()) {
            dispatcher.submit(() -> {
                for (ChangeEvent e : mine) {
                    for (MemoryWatch w : watches) {
                        w.deliver(revision, e, label);
                    }
                }
            });
        }
    }

    /**
     * Whether a watch of this client covers {@code key}: events nobody here watches are not handed to
     * the dispatcher, so a write wakes only the clients that watch it. A watch added after this check
     * starts after this revision anyway.
     */
    private boolean watched(String key) {
        for (MemoryWatch w : watches) {
            if (Paths.isAtOrBelow(key, w.prefix())) {
                return true;
            }
        }
        return false;
    }

    private void report(ConnectionState state) {
        log.info("[{}] connection state {}", label, state);
        dispatcher.submit(() -> {
            for (ConnectionStateListener l : stateListeners) {
                try {
                    l.stateChanged(state);
                } catch (RuntimeException e) {
                    log.warn("[{}] connection state listener failed on {}", label, state, e);
                }
            }
        });
    }

    private void forgetEphemerals(String fullKey) {
        ephemerals.keySet().removeIf(k -> Paths.isAtOrBelow(k, fullKey));
    }

    /** Checks that the repository is usable and the key legal, and returns the full key. */
    private String enter(String operation, String key, boolean allowRoot) {
        checkUsable(operation, key);
        try {
            Paths.requireKey(key, allowRoot);
        } catch (GovernanceException e) {
            throw ns.error(ErrorCode.INVALID_ARGUMENT, operation, key, e.getMessage());
        }
        log.debug("[{}] {} {}", label, operation, key);
        return ns.full(key);
    }

    private void checkValue(String operation, String key, String value) {
        if (value == null) {
            throw ns.error(ErrorCode.INVALID_ARGUMENT, operation, key, "value must not be null");
        }
        // a UTF-8 character takes at most 3 bytes per char (surrogate pairs: 4 bytes for 2 chars)
        if ((long) value.length() * 3 > maxValueBytes) {
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxValueBytes) {
                throw ns.error(ErrorCode.VALUE_TOO_LARGE, operation, key,
                        "value is " + bytes + " bytes, more than the limit of " + maxValueBytes + " bytes");
            }
        }
    }

    private void ensureOpen(String operation, String key) {
        if (closed) {
            throw ns.error(ErrorCode.CLOSED, operation, key, "repository is closed");
        }
    }
}
