package io.governor.repository.nacos;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * A config-center {@link Repository} on one Nacos tenant and group, through the Nacos 2.x client's
 * config service.
 *
 * <p><b>Values</b> live in one configuration per key ({@link DataIds}), with a version header
 * ({@link StoredValue}). Every write is a {@code publishConfigCas} against the content just read,
 * retried on conflict, so versions grow strictly and {@link #compareAndSet} is atomic.
 *
 * <p><b>IMPORTANT, consistency</b>: Nacos serves reads from a cache it updates ~0.1 s after a write
 * (a removal up to ~1 s) and checks compare-and-set against its database. So a refused
 * compare-and-set is decided again on a fresh read, not taken for a failure ({@link #update}), and
 * every write returns only once the server serves it ({@link #awaitServed}, bounded by
 * {@link #CACHE_LAG_LIMIT}): read-your-writes holds for every client of the same Nacos server, not
 * across the members of a Nacos cluster, which each have their own cache.
 *
 * <p><b>Children</b>: Nacos cannot list configurations from the client, so each key with children
 * has an index document ({@link ChildIndex}) updated with {@code publishConfigCas} and retried on
 * an MD5 conflict, so concurrent writers never lose an entry. A put adds the path to the indexes of
 * all ancestors first, then writes the value; a delete walks the index tree and removes values
 * bottom-up, then the key from its parent's index. A delete is not atomic: a put racing with a
 * recursive delete of an ancestor may survive it. Index documents are never removed (an empty one
 * is just the header), so a concurrent add can never be lost to a removal.
 *
 * <p><b>Watches</b> ({@link NacosWatch}) put Nacos listeners on the values and indexes below the
 * prefix and re-read on every notification, on this repository's watch thread
 * ({@code governor-<namespace>-watch}).
 *
 * <p>Thread-safe. Every operation but {@link #watch} blocks for one or more gRPC requests, each
 * bounded by the request timeout.
 */
final class NacosRepository implements Repository {

    private static final Logger LOG = LoggerFactory.getLogger(NacosRepository.class);
    static final Set<Capability> CAPABILITIES = Set.of(Capability.LIST_CHILDREN, Capability.COMPARE_AND_SET);
    private static final int MAX_ATTEMPTS = 200;
    /**
     * How long the server's read cache may lag its database, as far as this repository waits for it:
     * measured on Nacos 2.5.1, a publish is served 74-104 ms later, a removal up to ~1.1 s later.
     */
    static final Duration CACHE_LAG_LIMIT = Duration.ofSeconds(3);
    /** How long a refused compare-and-set waits for reads to change before it publishes again. */
    private static final Duration RECHECK = Duration.ofMillis(300);
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final NacosSettings settings;
    private final DataIds ids;
    private final NacosClient client;
    private final ScheduledExecutorService watchExecutor;
    private volatile Thread watchThread;
    private final List<NacosWatch> watches = new CopyOnWriteArrayList<>();
    /** What this repository wrote that the server may not serve yet, by dataId ({@link #read}). */
    private final Map<String, String> unserved = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NacosRepository(NacosSettings settings, NacosClient client) {
        this.settings = settings;
        this.ids = new DataIds(settings.namespace);
        this.client = client;
        String name = "governor-" + (settings.namespace.isEmpty() ? "root" : settings.namespace) + "-watch";
        this.watchExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            watchThread = t;
            return t;
        });
        LOG.info("[{}] nacos repository connected ({})", settings.logName(), settings.where());
    }

    @Override
    public String type() {
        return NacosRepositoryProvider.TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int maxValueBytes() {
        return settings.maxValueBytes;
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        checkOpen("get", key);
        Paths.requireKey(key);
        return read(key, "get");
    }

    @Override
    public List<String> children(String key) {
        checkOpen("children", key);
        Paths.requireKey(key, true);
        return new ArrayList<>(ChildIndex.parse(read(ids.index(key), "children", key)));
    }

    @Override
    public void put(String key, String value) {
        checkWrite("put", key, value);
        Map<String, Written> written = new LinkedHashMap<>();
        addToAncestors(key, "put", written);
        write("put", key, value, false, null, written);
        awaitServed(written, "put", key);
    }

    /**
     * Atomic through {@code publishConfigCas}. One caveat of Nacos: a compare-and-set on an absent
     * configuration creates it, so a non-null expected value is first checked against a read; a
     * delete that lands between that read and the write lets the write re-create the key.
     */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checkWrite("compareAndSet", key, newValue);
        Map<String, Written> written = new LinkedHashMap<>();
        if (expectedValue == null) {
            addToAncestors(key, "compareAndSet", written);
        }
        boolean done = write("compareAndSet", key, newValue, true, expectedValue, written);
        awaitServed(written, "compareAndSet", key);
        return done;
    }

    /**
     * Recursive: removes every value below and at the key, bottom-up, then the key from its parent's
     * index unless a concurrent put gave it children again. Not atomic (see the class comment).
     * Returns once reads serve the removals. Safe to repeat.
     */
    @Override
    public void delete(String key) {
        checkOpen("delete", key);
        Paths.requireKey(key);
        Map<String, Written> removed = new LinkedHashMap<>();
        if (deleteTree(key, removed).isEmpty()) {
            updateIndex(Paths.parent(key), "delete", removed, names -> {
                names.remove(Paths.name(key));
                return names;
            });
        }
        awaitServed(removed, "delete", key);
        LOG.debug("[{}] deleted '{}'", settings.logName(), key);
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        checkOpen("watch", prefix);
        Paths.requireKey(prefix, true);
        Objects.requireNonNull(listener, "listener");
        NacosWatch[] holder = new NacosWatch[1];
        holder[0] = new NacosWatch(prefix, listener, client, ids, watchExecutor, settings.logName(),
                settings.watchResync, () -> watches.remove(holder[0]));
        watches.add(holder[0]);
        holder[0].start(Thread.currentThread() == watchThread);
        LOG.debug("[{}] watching '{}'", settings.logName(), prefix);
        return holder[0];
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NacosWatch w : watches) {
            w.close();
        }
        watchExecutor.shutdown();
        if (Thread.currentThread() != watchThread) {
            try {
                if (!watchExecutor.awaitTermination(settings.requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                    watchExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                watchExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        LOG.info("[{}] nacos repository closed ({})", settings.logName(), settings.where());
    }

    private Optional<VersionedValue> read(String key, String operation) {
        String stored = read(ids.value(key), operation, key);
        return stored == null ? Optional.empty() : Optional.of(StoredValue.decode(stored));
    }

    /**
     * Writes the next version of a key. With {@code compare}, writes only while the current value
     * equals {@code expected} (null: the key must be absent) and answers false otherwise.
     */
    private boolean write(String operation, String key, String value, boolean compare, String expected,
                          Map<String, Written> pending) {
        String written = update(ids.value(key), operation, key, pending, stored -> {
            VersionedValue current = stored == null ? null : StoredValue.decode(stored);
            if (compare && !Objects.equals(current == null ? null : current.value(), expected)) {
                return null;
            }
            return StoredValue.encode(value, (current == null ? 0 : current.version()) + 1);
        });
        if (written != null) {
            LOG.debug("[{}] {} '{}' version {}", settings.logName(), operation, key, StoredValue.decode(written).version());
        }
        return written != null;
    }

    /** Adds each segment of {@code key} to its parent's index, root first. */
    private void addToAncestors(String key, String operation, Map<String, Written> pending) {
        String parent = "/";
        for (String segment : Paths.segments(key)) {
            updateIndex(parent, operation, pending, names -> {
                names.add(segment);
                return names;
            });
            parent = Paths.join(parent, segment);
        }
    }

    /** Applies {@code change} to an index and returns the names it then holds; no write if nothing changes. */
    private TreeSet<String> updateIndex(String node, String operation, Map<String, Written> pending,
                                        UnaryOperator<TreeSet<String>> change) {
        List<TreeSet<String>> result = new ArrayList<>(List.of(new TreeSet<>()));
        update(ids.index(node), operation, node, pending, content -> {
            TreeSet<String> before = ChildIndex.parse(content);
            TreeSet<String> after = change.apply(new TreeSet<>(before));
            result.set(0, after);
            return after.equals(before) && (content != null || before.isEmpty()) ? null
                    : StoredValue.encode(ChildIndex.format(after), content == null ? 1 : StoredValue.decode(content).version() + 1);
        });
        return result.get(0);
    }

    /**
     * Removes the values below and at {@code key}, bottom-up, and the deleted names from the indexes;
     * collects the removed dataIds in {@code removed} (with the content each had) for the caller to
     * await. Returns the names left in the key's own index (children a concurrent put added).
     */
    private TreeSet<String> deleteTree(String key, Map<String, Written> removed) {
        TreeSet<String> children = ChildIndex.parse(read(ids.index(key), "delete", key));
        TreeSet<String> gone = new TreeSet<>();
        for (String child : children) {
            if (deleteTree(Paths.join(key, child), removed).isEmpty()) {
                gone.add(child);
            }
        }
        String dataId = ids.value(key);
        String stored = read(dataId, "delete", key);
        if (stored != null) {
            client.remove(dataId, "delete", key);
            unserved.remove(dataId);
            removed.put(dataId, new Written(stored, null));
        }
        return children.isEmpty() ? children : updateIndex(key, "delete", removed, names -> {
            names.removeAll(gone);
            return names;
        });
    }

    /**
     * Read, change, {@code publishConfigCas} against the MD5 of what was read, until it succeeds or
     * {@code change} declines (returns null). Returns what was published, or null.
     *
     * <p>Nacos serves reads from a cache it updates ~0.1 s after a write (a removal up to ~1 s) but
     * checks the compare-and-set against its database. So a refusal may mean another writer got in,
     * or only that the read was stale: the loop re-reads until the content differs from what it
     * compared against ({@link #awaitChange}), then decides again on the fresh content. After a
     * success it waits until reads serve the write ({@link #awaitServed}), so a read after a write
     * returns sees it, from any client of the same server.
     */
    private String update(String dataId, String operation, String key, Map<String, Written> pending,
                          UnaryOperator<String> change) {
        String current = read(dataId, operation, key);
        long changed = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            String next = change.apply(current);
            if (next == null) {
                return null;
            }
            if (client.publishCas(dataId, next, current == null ? StoredValue.ABSENT_MD5 : StoredValue.md5(current),
                    operation, key)) {
                unserved.put(dataId, next);
                pending.put(dataId, new Written(current, next));
                return next;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new GovernanceException(ErrorCode.CONFLICT, operation + " '" + key + "' on nacos repository: gave up after "
                        + attempt + " attempts against concurrent writers");
            }
            String now = awaitChange(dataId, current, operation, key);
            if (!Objects.equals(now, current)) {
                changed = System.nanoTime();
            } else if (System.nanoTime() - changed > CACHE_LAG_LIMIT.toNanos()) {
                throw NacosErrors.refused(operation, key, settings);
            }
            current = now;
        }
    }

    /**
     * After a refused compare-and-set against {@code seen}: re-reads until the server serves other
     * content, which it does within its cache lag if the database holds other content, or until
     * {@link #RECHECK} passes; returns the last read. Unchanged content means the server refused for
     * another reason (a lock wait in its database under contention was seen to): the caller publishes
     * again, and gives up with {@code UNAVAILABLE} when reads stay unchanged for {@link #CACHE_LAG_LIMIT}.
     */
    private String awaitChange(String dataId, String seen, String operation, String key) {
        long deadline = System.nanoTime() + RECHECK.toNanos();
        for (long pause = MIN_PAUSE_NANOS; ; pause = Math.min(pause * 2, MAX_PAUSE_NANOS)) {
            String now = read(dataId, operation, key);
            if (!Objects.equals(now, seen) || System.nanoTime() > deadline) {
                return now;
            }
            pause(pause, operation, key);
        }
    }

    /**
     * After writes: waits until the server serves each write or a later one, so they are what every
     * client of this server reads from now on; then stops
     * reading them through {@link #unserved}. Gives up with a WARN after {@link #CACHE_LAG_LIMIT}:
     * the writes are done, only their visibility is late.
     */
    private void awaitServed(Map<String, Written> writes, String operation, String key) {
        long deadline = System.nanoTime() + CACHE_LAG_LIMIT.toNanos();
        for (Map.Entry<String, Written> e : writes.entrySet()) {
            for (long pause = MIN_PAUSE_NANOS; ; pause = Math.min(pause * 2, MAX_PAUSE_NANOS)) {
                if (e.getValue().servedIn(client.read(e.getKey(), operation, key))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("[{}] {} '{}': the server still serves the old content of {} {} after the write; reads may "
                            + "lag", settings.logName(), operation, key, e.getKey(), CACHE_LAG_LIMIT);
                    break;
                }
                pause(pause, operation, key);
            }
            if (e.getValue().after() != null) {
                unserved.remove(e.getKey(), e.getValue().after());
            }
        }
    }

    /**
     * Reads a dataId as the server serves it, or what this repository wrote there if the server does
     * not serve that yet (an older version, or nothing): so threads sharing this repository read their
     * own writes at once, and go on without waiting for the server's cache. Content in the old format
     * without a version header reads as version 0.
     */
    private String read(String dataId, String operation, String key) {
        String served = client.read(dataId, operation, key);
        String mine = unserved.get(dataId);
        if (mine == null || served != null && StoredValue.decode(served).version() >= StoredValue.decode(mine).version()) {
            return served;
        }
        return mine;
    }

    /** A write: the content a dataId had before (null: absent) and the content written (null: removed). */
    private record Written(String before, String after) {

        /** Whether content the server serves shows this write or a later one, judged by the version headers. */
        boolean servedIn(String now) {
            if (after == null) {
                return now == null || StoredValue.decode(now).version() > StoredValue.decode(before).version();
            }
            return now == null ? before != null : StoredValue.decode(now).version() >= StoredValue.decode(after).version();
        }
    }

    private static void pause(long nanos, String operation, String key) {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw GovernanceException.interrupted(operation + " '" + key + "' on nacos repository", null);
        }
    }

    private void checkWrite(String operation, String key, String value) {
        checkOpen(operation, key);
        Paths.requireKey(key);
        Objects.requireNonNull(value, "value");
        int size = value.getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxValueBytes) {
            throw new GovernanceException(ErrorCode.VALUE_TOO_LARGE, operation + " '" + key + "' on nacos repository: value of "
                    + size + " bytes exceeds the limit of " + settings.maxValueBytes + " bytes (property maxValueBytes)");
        }
    }

    private void checkOpen(String operation, String key) {
        if (closed) {
            throw new GovernanceException(ErrorCode.CLOSED, operation + " '" + key + "': nacos repository ("
                    + settings.where() + ") is closed");
        }
    }
}
