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
import io.governor.api.repository.support.FencedLease;
import io.governor.api.repository.support.HeldLeases;
import io.governor.api.repository.support.NamedLock;
import io.governor.api.repository.support.OwnedEphemerals;
import io.governor.api.repository.support.StateListeners;
import io.governor.api.repository.support.WatchSet;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    private final WatchThread dispatcher;
    private final MemoryStore.Subscriber subscriber = this::changed;
    private final WatchSet<MemoryWatch> watches = new WatchSet<>();
    private final StateListeners states;
    private final OwnedEphemerals ephemerals; // full keys; changed under store.lock
    private final HeldLeases leases = new HeldLeases(); // granted under store.lock
    private long session; // guarded by store.lock
    private volatile boolean closed;
    private volatile boolean suspended;

    MemoryRepository(MemoryStore store, String namespace, int maxValueBytes) {
        this.store = store;
        this.ns = new Namespace(namespace);
        this.label = ns.label();
        this.maxValueBytes = maxValueBytes;
        this.dispatcher = new WatchThread(label);
        this.states = new StateListeners(label, dispatcher::execute);
        this.ephemerals = new OwnedEphemerals(label);
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
            ephemerals.disown(full); // persistent now: not re-created after a session loss
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
                ephemerals.disown(full); // persistent now
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
            ephemerals.forget(full);
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
                        ephemerals.forget(op.key());
                    } else if (op instanceof Operation.Put) {
                        ephemerals.disown(op.key()); // persistent now
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
            return watches.add(new MemoryWatch(label, prefix, listener, store.revision()));
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
            ephemerals.put(full, value, (k, v) -> {
                checkUsable("putEphemeral", key);
                store.put(k, v, session);
            }, e -> false);
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
        return new NamedLock(name, (n, timeout) -> store.locks().tryLock(this, ns, n, timeout));
    }

    @Override
    public void addConnectionStateListener(ConnectionStateListener listener) {
        states.add(listener);
    }

    @Override
    public void removeConnectionStateListener(ConnectionStateListener listener) {
        states.remove(listener);
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
            int lost = leases.size();
            List<Runnable> callbacks = leases.loseAll();
            log.warn("[{}] session {} expired: {} ephemerals removed, {} lock leases lost", label, old, removed, lost);
            states.report(ConnectionState.LOST, "session " + old + " expired");
            callbacks.forEach(states::run);
            session = store.newSession();
            suspended = false;
            int restored = ephemerals.restoreAll((k, v) -> store.put(k, v, session), e -> false);
            log.info("[{}] new session {}: {} ephemerals re-created", label, session, restored);
            states.report(ConnectionState.RECONNECTED, "new session " + session);
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
            states.report(ConnectionState.SUSPENDED, "suspended by the test hook");
        }
    }

    /** Test hook: ends a {@link #suspend() suspension} and reports {@code RECONNECTED}; no-op otherwise. */
    public void resume() {
        ensureOpen("resume", "/");
        if (suspended) {
            suspended = false;
            log.info("[{}] connection resumed", label);
            states.report(ConnectionState.RECONNECTED, "resumed by the test hook");
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
            leases.dropAll();
            store.locks().wakeAll();
        } finally {
            store.lock.unlock();
        }
        watches.closeAll();
        dispatcher.close();
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

    /** Creates a lease for a grant made by the lock table, freed there when it ends. Called under the store lock. */
    FencedLease grant(String name, String key, long token) {
        log.debug("[{}] lock '{}' granted, token {}", label, name, token);
        return leases.grant(name, token, leases.epoch(), (lease, released) -> {
            store.locks().release(lease, key);
            if (released) {
                log.debug("[{}] lock '{}' released, token {}", label, name, token);
            }
        });
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
            dispatcher.execute(() -> {
                for (ChangeEvent e : mine) {
                    for (MemoryWatch w : watches) {
                        w.deliver(revision, e);
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
