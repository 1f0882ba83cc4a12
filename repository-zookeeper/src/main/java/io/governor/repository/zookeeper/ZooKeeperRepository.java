package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.NamedLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RegistryRepository} on one ZooKeeper ensemble, inside one namespace (a Curator chroot):
 * {@link Nodes} reads, {@link Transaction} writes values, {@link Watches}, {@link Ephemerals},
 * {@link Locks}, {@link Connector} (the client, its states and recovery), {@link Errors}.
 *
 * <p>Thread-safe; every operation but {@code watch} blocks until ZooKeeper answers, Curator's retry
 * policy gives up ({@code UNAVAILABLE}) or, for a lock, the wait times out.
 */
final class ZooKeeperRepository implements RegistryRepository, BulkReads {

    static final String TYPE = "zookeeper";
    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.allOf(Capability.class));

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRepository.class);
    private static final Duration YEAR = Duration.ofDays(365);

    private final ZooKeeperSettings settings;
    private final Errors errors;
    private final Checks checks;
    private final Connector connector;
    private final Nodes nodes;
    private final Watches watches;
    private final Ephemerals ephemerals;
    private final Locks locks;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Connects (blocking up to the connection timeout) and makes a ready repository. */
    static ZooKeeperRepository open(ZooKeeperSettings settings) {
        return new ZooKeeperRepository(settings, new Errors(settings));
    }

    private ZooKeeperRepository(ZooKeeperSettings settings, Errors errors) {
        this.settings = settings;
        this.errors = errors;
        this.checks = errors.checks;
        this.connector = Connector.connect(settings, errors);
        this.nodes = new Nodes(connector.client, settings.namespace().isEmpty(),
                settings.sessionTimeout().plus(settings.connectionTimeout()));
        this.watches = new Watches(nodes, settings);
        this.ephemerals = new Ephemerals(nodes, settings.label());
        this.locks = new Locks(nodes, settings.label());
        connector.recovery(locks::sessionLost, newSession -> {
            ephemerals.ensureAll(newSession);
            watches.resyncAll();
        });
        log.info("[{}] zookeeper repository ready: {}", settings.label(), settings);
    }

    /** The Curator client, for tests in this package (session expiry, inspection). */
    CuratorFramework client() {
        return connector.client;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int maxValueBytes() {
        return settings.maxValueBytes();
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        Paths.requireKey(key);
        return call("get", key, () -> nodes.get(key));
    }

    @Override
    public List<String> children(String key) {
        Paths.requireKey(key, true);
        return call("children", key, () -> nodes.children(key));
    }

    /** {@link #readAll} of one parent: not a snapshot, each value is as of its own read. */
    @Override
    public SortedMap<String, VersionedValue> childValues(String key) {
        Paths.requireKey(key, true);
        return call("childValues", key, () -> nodes.childValues(key));
    }

    /** See {@link Nodes#readAll}: one request or two pipelined rounds, not a snapshot. A failure names the node. */
    @Override
    public SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) {
        String label = checks.requireReadAll(closed.get(), keys, parents);
        return call("readAll", label, () -> {
            try {
                return nodes.readAll(keys, parents);
            } catch (KeeperException e) {
                throw errors.translate("readAll", e.getPath() == null ? label : e.getPath(), e);
            }
        });
    }

    /** A commit of one put (see {@link Transaction}): read, then one write guarded by the version read. */
    @Override
    public void put(String key, String value) {
        checks.requireValue(closed.get(), "put", key, value);
        ephemerals.disown(key); // a put makes the key persistent: no longer re-created after a session loss
        call("put", key, () -> Transaction.commit(nodes, List.of(Operation.put(key, value))));
    }

    /** Atomic: a commit of a check and a put ({@link Transaction#commit}, which confirms a mismatch after a sync). */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checks.requireValue(closed.get(), "compareAndSet", key, newValue);
        boolean done = call("compareAndSet", key, () -> Transaction.commit(nodes,
                List.of(Operation.check(key, expectedValue), Operation.put(key, newValue))));
        if (done) {
            ephemerals.disown(key); // the key is persistent now
        }
        return done;
    }

    @Override
    public void delete(String key) {
        Paths.requireKey(key);
        ephemerals.forget(key);
        call("delete", key, () -> Transaction.commit(nodes, List.of(Operation.delete(key))));
    }

    /**
     * One ZooKeeper multi (see {@link Transaction}). The values of all puts together must fit in
     * {@link #maxValueBytes()}, since ZooKeeper limits the whole request.
     */
    @Override
    public boolean commit(List<Operation> operations) {
        checks.requireOperations(closed.get(), Objects.requireNonNull(operations, "operations"));
        String first = operations.isEmpty() ? "/" : operations.get(0).key();
        long total = operations.stream().mapToLong(op -> op instanceof Operation.Put p ? Nodes.bytes(p.value()).length : 0).sum();
        if (total > settings.maxValueBytes()) {
            throw checks.error(ErrorCode.VALUE_TOO_LARGE, "commit", first, "the values are " + total
                    + " bytes together, more than the limit of " + settings.maxValueBytes()
                    + " bytes (property maxValueBytes): ZooKeeper limits the whole request", null);
        }
        boolean committed = call("commit", first, () -> Transaction.commit(nodes, operations));
        if (committed) {
            for (Operation op : operations) {
                if (op instanceof Operation.Delete) {
                    ephemerals.forget(op.key());
                } else if (op instanceof Operation.Put) {
                    ephemerals.disown(op.key()); // the key is persistent now
                }
            }
        }
        return committed;
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        return watch("watch", prefix, listener, false);
    }

    /**
     * As {@link #watch}, but each notification is delivered as ZooKeeper sends it, without the
     * getData that {@code watch} does to give the event its value (see {@link PrefixWatch}).
     */
    @Override
    public Watch watchKeys(String prefix, WatchListener listener) {
        return watch("watchKeys", prefix, listener, true);
    }

    private Watch watch(String operation, String prefix, WatchListener listener, boolean keysOnly) {
        Paths.requireKey(prefix, true);
        Objects.requireNonNull(listener, "listener");
        return call(operation, prefix, () -> watches.watch(prefix, listener, keysOnly));
    }

    @Override
    public void putEphemeral(String key, String value) {
        checks.requireValue(closed.get(), "putEphemeral", key, value);
        call("putEphemeral", key, () -> {
            ephemerals.put(key, value);
            return null;
        });
    }

    @Override
    public DistributedLock lock(String name) {
        checks.requireLockName(closed.get(), name);
        return new NamedLock(name, this::tryLock);
    }

    Optional<LockLease> tryLock(String name, Duration timeout) {
        String key = Paths.join("/locks", name);
        checks.requireTimeout("tryLock", key, timeout);
        long deadline = System.nanoTime() + (timeout.compareTo(YEAR) > 0 ? YEAR : timeout).toNanos(); // no overflow
        return call("tryLock", key, () -> Optional.ofNullable(locks.acquire(name, deadline)));
    }

    @Override
    public void addConnectionStateListener(ConnectionStateListener listener) {
        connector.listeners.add(listener);
    }

    @Override
    public void removeConnectionStateListener(ConnectionStateListener listener) {
        connector.listeners.remove(listener);
    }

    /** Closes watches, releases locks, ends the session (the server removes our ephemerals), stops threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            watches.close();
            locks.releaseAll();
        } catch (RuntimeException e) {
            log.warn("[{}] error while closing watches and locks", settings.label(), e);
        }
        connector.close();
        log.info("[{}] zookeeper repository closed", settings.label());
    }

    private <T> T call(String operation, String key, Callable<T> work) {
        checks.requireOpen(closed.get(), operation, key);
        log.debug("[{}] {} {}", settings.label(), operation, key);
        try {
            return work.call();
        } catch (Exception e) {
            boolean interrupted = e instanceof InterruptedException
                    || e instanceof GovernanceException g && g.code() == ErrorCode.INTERRUPTED;
            checks.requireOpen(closed.get() && !interrupted, operation, key);
            throw errors.translate(operation, key, e);
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperRepository{" + settings + "}";
    }
}
