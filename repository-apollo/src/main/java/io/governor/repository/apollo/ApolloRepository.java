package io.governor.repository.apollo;

import com.ctrip.framework.apollo.Config;
import com.ctrip.framework.apollo.ConfigChangeListener;
import com.ctrip.framework.apollo.ConfigService;
import com.ctrip.framework.apollo.enums.ConfigSourceType;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.VersionedText;
import io.governor.api.repository.support.ListenerWatch;
import io.governor.api.repository.support.PrefixView;
import io.governor.api.repository.support.WatchSet;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A config-center {@link Repository} on one Apollo namespace.
 *
 * <p><b>Reads and watches</b> go through the Apollo Java client ({@link ConfigService#getConfig(String, String)}):
 * a change listener on the namespace's {@link Config} only triggers a re-read of the whole namespace
 * on this repository's watch thread ({@code governor-<namespace>-watch}), which compares it with its
 * view of the namespace ({@link PrefixView}) and delivers the differences as events. Because every
 * sync compares whole states, events the Apollo client delivers late or out of order (it notifies listeners on a pool)
 * cannot leave the view wrong, and after an outage the next sync emits what was missed.
 *
 * <p><b>Writes</b> go through the Apollo OpenAPI ({@link PortalClient}): each call (a put, a
 * compare-and-set, a delete, a commit) edits its items as drafts and publishes the namespace once
 * ({@link Release}); a call that fails leaves no draft behind. A write returns once its release is
 * made, without waiting for the config service to announce it (it scans for releases once a second
 * by default); this repository's next read then waits until its client sees its writes
 * (read-your-writes), up to {@code syncTimeout}, else that read fails with {@code TIMEOUT}.
 * Publishing releases every unpublished edit of the namespace, including edits made by hand in
 * the portal.
 *
 * <p><b>No atomic compare-and-set:</b> Apollo has none, so {@link #compareAndSet} and the checks of
 * {@link #commit} read the items from the portal, compare and write. They are atomic only against
 * other calls on this repository instance; two processes can both succeed. The capability
 * {@code COMPARE_AND_SET} is not declared. {@code TRANSACTION} is: a commit is all or nothing and one
 * release, so readers see all of its writes at once.
 *
 * <p><b>Versions</b>: Apollo keeps none per item, so each write stores the previous version plus
 * one in a header line of the value ({@link VersionedText}); all clients read the same version.
 * Without compare-and-set, two writers racing on one key can write the same version.
 *
 * <p><b>JVM-wide client:</b> the Apollo client is a singleton per JVM: its {@link Config} objects
 * live until the JVM ends, and its meta server and cluster are JVM-wide settings. Closing the
 * repository removes its listener and stops its thread, but the Apollo client keeps polling.
 *
 * <p>Thread-safe. Every operation but {@link #watch} blocks: writes for HTTP calls bounded by the
 * connect and read timeouts, reads up to {@code syncTimeout} for this repository's writes to show.
 */
final class ApolloRepository implements Repository {

    /** A commit is one release: TRANSACTION; Apollo has no atomic compare-and-set. */
    static final Set<Capability> CAPABILITIES = Set.of(Capability.TRANSACTION);

    private static final Logger LOG = LoggerFactory.getLogger(ApolloRepository.class);
    private static final long POLL_MILLIS = 200;

    private final ApolloSettings settings;
    private final Checks checks;
    private final ItemKeys keys;
    private final PortalClient portal;
    private final Config config;
    private final WatchThread watchThread;
    /** Guards the snapshot, the watches' registration and the view below; notified after every sync. */
    private final Object lock = new Object();
    private final PrefixView snapshot = new PrefixView("/");
    private final WatchSet<ListenerWatch> watches = new WatchSet<>();
    /** This JVM's writes to the Apollo namespace that its client may not show yet. */
    private final ReleasedWrites released;
    /** Item key to version as of the last sync, every item of the namespace. */
    private Map<String, Long> itemVersions = Map.of();
    /** When the last sync began to read the Apollo client. */
    private long viewTime = System.nanoTime();
    private final AtomicBoolean syncPending = new AtomicBoolean();
    private final Object writeLock = new Object();
    private final AtomicBoolean casWarned = new AtomicBoolean();
    private final ConfigChangeListener changeListener = event -> requestSync();
    private volatile boolean closed;

    private ApolloRepository(ApolloSettings settings, PortalClient portal, Config config) {
        this.settings = settings;
        this.checks = settings.checks;
        this.keys = new ItemKeys(settings.namespace, settings.maxItemKeyLength);
        this.portal = portal;
        this.released = ReleasedWrites.of(settings);
        this.config = config;
        this.watchThread = new WatchThread(settings.namespace.isEmpty() ? "root" : settings.namespace);
    }

    /**
     * Opens the namespace through the Apollo client and loads the first snapshot. A writable
     * repository first checks its environment with the portal and releases a namespace that was
     * never released (the config service has nothing to give for one).
     */
    static ApolloRepository open(ApolloSettings settings) {
        PortalClient portal = new PortalClient(settings);
        if (settings.writable()) {
            try {
                portal.prepare();
            } catch (GovernanceException e) {
                if (e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.TIMEOUT) {
                    throw e;
                }
                LOG.warn("[{}] apollo repository ({}): the portal cannot be reached, writes fail until it can: {}",
                        settings.logName(), settings.where(), e.getMessage());
            }
        }
        Config config;
        try {
            config = ConfigService.getConfig(settings.appId, settings.namespaceName);
        } catch (RuntimeException e) {
            throw settings.checks.error(ErrorCode.CONNECT_FAILED, "connect", "/", "could not load the namespace: "
                    + e.getMessage(), e);
        }
        ConfigSourceType source = config.getSourceType();
        if (source == ConfigSourceType.NONE) {
            throw settings.checks.error(ErrorCode.CONNECT_FAILED, "connect", "/", "got no configuration from the "
                    + "config service and has no local cache. A namespace that was "
                    + "never released cannot be read: release it once in the portal (an empty release will do), or "
                    + "give the repository the properties portalUrl and token and it does so when it opens", null);
        }
        ApolloRepository repository = new ApolloRepository(settings, portal, config);
        config.addChangeListener(repository.changeListener);
        repository.firstSync();
        try {
            repository.awaitWrites("connect", "/", k -> true); // writes this JVM released before
        } catch (GovernanceException e) {
            repository.close();
            throw e;
        }
        if (source == ConfigSourceType.LOCAL) {
            LOG.warn("[{}] apollo repository ({}) serves the local cache: the config service is not reachable now",
                    settings.logName(), settings.where());
        }
        LOG.info("[{}] apollo repository opened ({}, source {}, {})", settings.logName(), settings.where(), source,
                settings.writable() ? "writes through " + settings.portalUrl : "read-only");
        return repository;
    }

    @Override
    public String type() {
        return ApolloRepositoryProvider.TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int maxValueBytes() {
        return checks.maxValueBytes();
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        return read("get", key, false, () -> snapshot.get(key));
    }

    @Override
    public List<String> children(String key) {
        return read("children", key, true, () -> snapshot.children(key));
    }

    @Override
    public void put(String key, String value) {
        checks.requireValue(closed, "put", key, value);
        write("put", key, List.of(Operation.put(key, value)));
    }

    /**
     * Best-effort compare-and-set: reads the item from the portal, compares, and writes if it
     * matches. Atomic only against other calls on this repository instance (a local lock); another
     * process can write between the read and the write. Logs a WARN once per repository.
     */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checks.requireValue(closed, "compareAndSet", key, newValue);
        if (casWarned.compareAndSet(false, true)) {
            LOG.warn("[{}] apollo has no atomic compare-and-set: compareAndSet is a read-compare-write, "
                    + "safe only against writers in this process", settings.logName());
        }
        return write("compareAndSet", key, List.of(Operation.check(key, expectedValue), Operation.put(key, newValue)));
    }

    @Override
    public void delete(String key) {
        checks.requireKey(closed, "delete", key, false);
        write("delete", key, List.of(Operation.delete(key)));
    }

    /**
     * Applies the operations as one release: all or nothing, and readers see every write at once.
     * The checks read the items from the portal, as {@link #compareAndSet} does: they hold against
     * other calls on this repository instance, not against other processes. A recursive delete
     * removes the keys this repository's client shows below the key. Not blindly retryable.
     */
    @Override
    public boolean commit(List<Operation> operations) {
        checks.requireOperations(closed, operations);
        return write("commit", "(" + operations.size() + " operations)", operations);
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        checks.requireKey(closed, "watch", prefix, true);
        Objects.requireNonNull(listener, "listener");
        LOG.debug("[{}] watching '{}'", settings.logName(), prefix);
        // Under the snapshot lock: a sync that replaced the snapshot before this point (so a write
        // that returned before this call) delivers only to the watches it saw then, never to this one.
        synchronized (lock) {
            return watches.add(new ListenerWatch(settings.logName(), prefix, listener));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        config.removeChangeListener(changeListener);
        watches.closeAll();
        synchronized (lock) {
            lock.notifyAll();
        }
        watchThread.close(settings.syncTimeout);
        LOG.info("[{}] apollo repository closed ({})", settings.logName(), settings.where());
    }

    /**
     * Checks against the portal (the freshest state, drafts included), then edits every item the
     * operations touch and releases once. Each put stores the item's next version. The released
     * writes are then awaited by this repository's next read.
     */
    private boolean write(String operation, String key, List<Operation> ops) {
        synchronized (writeLock) {
            List<String> deleted = ops.stream().filter(op -> op instanceof Operation.Delete).map(op -> keys.fullItemKey(op.key())).toList();
            if (!deleted.isEmpty()) { // a delete works from the keys this client shows: wait for writes below them
                awaitWrites(operation, key, item -> item.startsWith(ItemKeys.HASHED) || deleted.stream()
                        .anyMatch(d -> item.equals(d) || item.startsWith(d + "/")));
            }
            Release release = new Release(portal, keys, this::visibleVersion, this::visibleKeysAtOrBelow);
            List<Release.Change> changes = release.plan(ops);
            if (changes == null) {
                LOG.debug("[{}] {} '{}': a check does not hold", settings.logName(), operation, key);
                return false;
            }
            if (!changes.isEmpty()) {
                release.publish(operation, key, changes);
                changes.forEach(c -> released.add(c.itemKey(), Release.version(c.after()), settings.syncTimeout));
                LOG.debug("[{}] {} '{}' released ({} items)", settings.logName(), operation, key, changes.size());
            }
            return true;
        }
    }

    /** Loads the first snapshot on the watch thread, so that no later sync can be overtaken by it. */
    private void firstSync() {
        try {
            watchThread.call(() -> {
                sync();
                return null;
            }, settings.syncTimeout);
        } catch (InterruptedException e) {
            close();
            throw GovernanceException.interrupted(checks.describe("connect", "/"), e);
        } catch (Exception e) {
            close();
            throw checks.error(ErrorCode.CONNECT_FAILED, "connect", "/", "could not read the namespace: " + e, e);
        }
    }

    /** Re-reads the namespace from the Apollo client, updates the snapshot and delivers the differences. */
    private void sync() {
        long started = System.nanoTime();
        Map<String, VersionedValue> current = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        for (String itemKey : config.getPropertyNames()) {
            String stored = config.getProperty(itemKey, null);
            if (stored != null) {
                versions.put(itemKey, VersionedText.version(stored));
                keys.toKey(itemKey, stored).ifPresent(key -> current.put(key, VersionedText.decode(stored)));
            }
        }
        List<ChangeEvent> events;
        List<ListenerWatch> targets;
        synchronized (lock) {
            itemVersions = versions;
            viewTime = started;
            events = snapshot.replace(current);
            targets = watches.list(); // the watches that existed when these changes became visible
            lock.notifyAll();
        }
        for (ChangeEvent event : events) {
            LOG.debug("[{}] {} '{}' version {}", settings.logName(), event.type(), event.key(), event.version());
            for (ListenerWatch watch : targets) {
                watch.deliver(event);
            }
        }
    }

    private void requestSync() {
        if (closed || !syncPending.compareAndSet(false, true)) {
            return;
        }
        watchThread.execute(() -> {
            syncPending.set(false);
            try {
                sync();
            } catch (RuntimeException e) {
                LOG.warn("[{}] could not re-read the Apollo namespace; the next change retries", settings.logName(), e);
            }
        });
    }

    /**
     * Waits until this repository's view shows every write released from this JVM to its Apollo
     * namespace (read-your-writes, also across repositories of the JVM). A write not shown by its
     * deadline ({@code syncTimeout} after its release) fails the read that waits for it with
     * {@code TIMEOUT}, once. From the watch thread (a listener reading) it does not wait: that would
     * block the thread that syncs. Only writes of item keys {@code items} accepts are waited for.
     */
    private void awaitWrites(String operation, String key, Predicate<String> items) {
        if (released.isEmpty() || watchThread.isCurrent()) {
            return;
        }
        synchronized (lock) {
            while (true) {
                ReleasedWrites.Pending pending = released.pending(itemVersions, viewTime, items);
                if (pending.late() != null) {
                    throw checks.error(ErrorCode.TIMEOUT, operation, key, "the write of item '" + pending.late()
                            + "' was released but the Apollo client did not show it within " + settings.syncTimeout
                            + "; it shows once the client catches up", null);
                }
                if (!pending.waiting()) {
                    return;
                }
                checks.requireOpen(closed, operation, key);
                requestSync();
                try {
                    lock.wait(POLL_MILLIS);
                } catch (InterruptedException e) {
                    throw GovernanceException.interrupted(checks.describe(operation, key), e);
                }
            }
        }
    }

    /** Reads this repository's view once it shows this JVM's writes ({@link #awaitWrites}). */
    private <T> T read(String operation, String key, boolean allowRoot, Supplier<T> view) {
        checks.requireKey(closed, operation, key, allowRoot);
        synchronized (lock) {
            awaitWrites(operation, key, k -> true);
            return view.get();
        }
    }

    private List<String> visibleKeysAtOrBelow(String key) {
        synchronized (lock) {
            return snapshot.keysAtOrBelow(key);
        }
    }

    private long visibleVersion(String key) {
        synchronized (lock) {
            return snapshot.get(key).map(VersionedValue::version).orElse(-1L);
        }
    }
}
