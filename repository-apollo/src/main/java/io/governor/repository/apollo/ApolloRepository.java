package io.governor.repository.apollo;

import com.ctrip.framework.apollo.Config;
import com.ctrip.framework.apollo.ConfigChangeListener;
import com.ctrip.framework.apollo.ConfigService;
import com.ctrip.framework.apollo.enums.ConfigSourceType;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A config-center {@link Repository} on one Apollo namespace.
 *
 * <p><b>Reads and watches</b> go through the Apollo Java client ({@link ConfigService#getConfig(String, String)}):
 * a change listener on the namespace's {@link Config} only triggers a re-read of the whole namespace
 * on this repository's watch thread ({@code governor-<namespace>-watch}), which compares it with
 * the {@link Snapshot} and delivers the differences as events. Because every sync compares whole
 * states, events the Apollo client delivers late or out of order (it notifies listeners on a pool)
 * cannot leave the view wrong, and after an outage the next sync emits what was missed.
 *
 * <p><b>Writes</b> go through the Apollo OpenAPI ({@link PortalClient}): create or update (or remove)
 * the item, then publish the namespace. A write returns once this repository's client sees it
 * (read-your-writes), or fails with {@code TIMEOUT} after {@code syncTimeout}; the write was
 * published all the same and becomes visible when the client catches up. Publishing releases
 * every unpublished edit of the namespace, including edits made by hand in the portal.
 *
 * <p><b>No atomic compare-and-set:</b> Apollo has none, so {@link #compareAndSet} reads the item
 * from the portal, compares and writes. It is atomic only against other calls on this repository
 * instance; two processes can both succeed. The capability {@code COMPARE_AND_SET} is not declared.
 *
 * <p><b>Versions</b>: Apollo keeps none per item, so each write stores the previous version plus
 * one in a header line of the value ({@link StoredValue}); all clients read the same version.
 * Without compare-and-set, two writers racing on one key can write the same version.
 *
 * <p><b>JVM-wide client:</b> the Apollo client is a singleton per JVM: its {@link Config} objects
 * live until the JVM ends, and its meta server and cluster are JVM-wide settings. Closing the
 * repository removes its listener and stops its thread, but the Apollo client keeps polling.
 *
 * <p>Thread-safe. Every operation but {@link #watch} blocks (HTTP calls bounded by the connect and
 * read timeouts, plus up to {@code syncTimeout} for a write to become visible).
 */
final class ApolloRepository implements Repository {

    private static final Logger LOG = LoggerFactory.getLogger(ApolloRepository.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ApolloSettings settings;
    private final ItemKeys keys;
    private final PortalClient portal;
    private final Config config;
    private final ExecutorService watchExecutor;
    private volatile Thread watchThread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Snapshot snapshot = new Snapshot();
    private final List<ApolloWatch> watches = new CopyOnWriteArrayList<>();
    private final AtomicBoolean syncPending = new AtomicBoolean();
    private final ReentrantLock casLock = new ReentrantLock();
    private final AtomicBoolean casWarned = new AtomicBoolean();
    private final ConfigChangeListener changeListener = event -> requestSync();
    private volatile boolean closed;

    private ApolloRepository(ApolloSettings settings, Config config) {
        this.settings = settings;
        this.keys = new ItemKeys(settings.namespace, settings.maxItemKeyLength);
        this.portal = new PortalClient(settings);
        this.config = config;
        String threadName = "governor-" + (settings.namespace.isEmpty() ? "root" : settings.namespace) + "-watch";
        this.watchExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            watchThread = t;
            return t;
        });
    }

    /** Opens the namespace through the Apollo client and loads the first snapshot. */
    static ApolloRepository open(ApolloSettings settings) {
        Config config;
        try {
            config = ConfigService.getConfig(settings.appId, settings.namespaceName);
        } catch (RuntimeException e) {
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect: apollo repository (" + settings.where()
                    + ") could not load the namespace: " + e.getMessage(), e);
        }
        ConfigSourceType source = config.getSourceType();
        if (source == ConfigSourceType.NONE) {
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect: apollo repository (" + settings.where()
                    + ") got no configuration from the config service and has no local cache");
        }
        ApolloRepository repository = new ApolloRepository(settings, config);
        config.addChangeListener(repository.changeListener);
        repository.firstSync();
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
        return ApolloRepositoryProvider.CAPABILITIES;
    }

    @Override
    public int maxValueBytes() {
        return settings.maxValueBytes;
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        checkOpen("get", key);
        Paths.requireKey(key);
        lock.lock();
        try {
            return snapshot.get(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> children(String key) {
        checkOpen("children", key);
        Paths.requireKey(key, true);
        lock.lock();
        try {
            return snapshot.children(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(String key, String value) {
        checkWrite("put", key, value);
        write("put", key, value, false, null);
    }

    /**
     * Best-effort compare-and-set: reads the item from the portal, compares, and writes if it
     * matches. Atomic only against other calls on this repository instance (a local lock); another
     * process can write between the read and the write. Logs a WARN once per repository.
     */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checkWrite("compareAndSet", key, newValue);
        if (casWarned.compareAndSet(false, true)) {
            LOG.warn("[{}] apollo has no atomic compare-and-set: compareAndSet is a read-compare-write, "
                    + "safe only against writers in this process", settings.logName());
        }
        casLock.lock();
        try {
            return write("compareAndSet", key, newValue, true, expectedValue);
        } finally {
            casLock.unlock();
        }
    }

    @Override
    public void delete(String key) {
        checkOpen("delete", key);
        Paths.requireKey(key);
        List<String> doomed;
        lock.lock();
        try {
            doomed = snapshot.keysAtOrBelow(key);
        } finally {
            lock.unlock();
        }
        if (doomed.isEmpty()) {
            return;
        }
        for (String k : doomed) {
            portal.remove(keys.toItemKey(k), k);
        }
        portal.publish("delete", key);
        LOG.debug("[{}] delete '{}' published ({} keys)", settings.logName(), key, doomed.size());
        awaitVisible("delete", key, s -> doomed.stream().noneMatch(k -> s.get(k).isPresent()));
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        checkOpen("watch", prefix);
        Paths.requireKey(prefix, true);
        Objects.requireNonNull(listener, "listener");
        ApolloWatch[] holder = new ApolloWatch[1];
        holder[0] = new ApolloWatch(prefix, listener, () -> watches.remove(holder[0]), settings.logName());
        // Under the snapshot lock: a sync that replaced the snapshot before this point (so a write
        // that returned before this call) delivers only to the watches it saw then, never to this one.
        lock.lock();
        try {
            watches.add(holder[0]);
        } finally {
            lock.unlock();
        }
        LOG.debug("[{}] watching '{}'", settings.logName(), prefix);
        return holder[0];
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        config.removeChangeListener(changeListener);
        for (ApolloWatch w : watches) {
            w.close();
        }
        watchExecutor.shutdown();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != watchThread) {
            try {
                if (!watchExecutor.awaitTermination(settings.syncTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("[{}] watch thread did not stop within {}; interrupting it", settings.logName(),
                            settings.syncTimeout);
                    watchExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                watchExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("[{}] apollo repository closed ({})", settings.logName(), settings.where());
    }

    /**
     * Writes {@code value} with the next version: reads the item from the portal (the freshest
     * state), optionally compares, writes, publishes and waits until the client sees it.
     */
    private boolean write(String operation, String key, String value, boolean compare, String expected) {
        String itemKey = keys.toItemKey(key);
        String stored = portal.value(itemKey, key);
        VersionedValue current = stored == null ? null : StoredValue.decode(stored);
        if (compare && !Objects.equals(current == null ? null : current.value(), expected)) {
            LOG.debug("[{}] {} '{}': current value does not match", settings.logName(), operation, key);
            return false;
        }
        long version = Math.max(current == null ? 0 : current.version(), visibleVersion(key)) + 1;
        String full = keys.hashed(key) ? keys.fullItemKey(key) : null;
        portal.upsert(itemKey, key, StoredValue.encode(value, version, full));
        portal.publish(operation, key);
        LOG.debug("[{}] {} '{}' version {} published", settings.logName(), operation, key, version);
        awaitVisible(operation, key, s -> s.get(key).map(v -> v.version() >= version).orElse(false));
        return true;
    }

    /** Loads the first snapshot on the watch thread, so that no later sync can be overtaken by it. */
    private void firstSync() {
        try {
            watchExecutor.submit(this::sync).get();
        } catch (ExecutionException e) {
            close();
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect: apollo repository (" + settings.where()
                    + ") could not read the namespace: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            close();
            throw GovernanceException.interrupted("connect: apollo repository", e);
        }
    }

    /** Re-reads the namespace from the Apollo client, updates the snapshot and delivers the differences. */
    private void sync() {
        Map<String, VersionedValue> current = new HashMap<>();
        for (String itemKey : config.getPropertyNames()) {
            String stored = config.getProperty(itemKey, null);
            if (stored != null) {
                keys.toKey(itemKey, stored).ifPresent(key -> current.put(key, StoredValue.decode(stored)));
            }
        }
        List<ChangeEvent> events;
        List<ApolloWatch> targets;
        lock.lock();
        try {
            events = snapshot.replace(current);
            targets = List.copyOf(watches); // the watches that existed when these changes became visible
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (ChangeEvent event : events) {
            LOG.debug("[{}] {} '{}' version {}", settings.logName(), event.type(), event.key(), event.version());
            for (ApolloWatch watch : targets) {
                watch.deliver(event);
            }
        }
    }

    private void requestSync() {
        if (closed || !syncPending.compareAndSet(false, true)) {
            return;
        }
        try {
            watchExecutor.execute(() -> {
                syncPending.set(false);
                try {
                    sync();
                } catch (RuntimeException e) {
                    LOG.warn("[{}] could not re-read the Apollo namespace; the next change retries", settings.logName(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            syncPending.set(false);
        }
    }

    private void awaitVisible(String operation, String key, Predicate<Snapshot> done) {
        if (Thread.currentThread() == watchThread) {
            requestSync(); // called from a listener: waiting here would block the thread that syncs
            return;
        }
        long deadline = System.nanoTime() + settings.syncTimeout.toNanos();
        lock.lock();
        try {
            while (!done.test(snapshot)) {
                checkOpen(operation, key);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GovernanceException(ErrorCode.TIMEOUT, operation + " '" + key + "' on apollo repository ("
                            + settings.where() + ") was published but the Apollo client did not see it within "
                            + settings.syncTimeout + "; it applies once the client catches up");
                }
                requestSync();
                changed.awaitNanos(Math.min(left, POLL_NANOS));
            }
        } catch (InterruptedException e) {
            throw GovernanceException.interrupted(operation + " '" + key + "' on apollo repository", e);
        } finally {
            lock.unlock();
        }
    }

    private long visibleVersion(String key) {
        lock.lock();
        try {
            return snapshot.get(key).map(VersionedValue::version).orElse(-1L);
        } finally {
            lock.unlock();
        }
    }

    private void checkWrite(String operation, String key, String value) {
        checkOpen(operation, key);
        Paths.requireKey(key);
        Objects.requireNonNull(value, "value");
        int size = value.getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxValueBytes) {
            throw new GovernanceException(ErrorCode.VALUE_TOO_LARGE, operation + " '" + key + "' on apollo repository: value of "
                    + size + " bytes exceeds the limit of " + settings.maxValueBytes + " bytes (property maxValueBytes)");
        }
    }

    private void checkOpen(String operation, String key) {
        if (closed) {
            throw new GovernanceException(ErrorCode.CLOSED, operation + " '" + key + "': apollo repository ("
                    + settings.where() + ") is closed");
        }
    }
}
