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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
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

    private final NacosSettings settings;
    private final DataIds ids;
    private final NacosClient client;
    private final ScheduledExecutorService watchExecutor;
    private volatile Thread watchThread;
    private final List<NacosWatch> watches = new CopyOnWriteArrayList<>();
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
        return new ArrayList<>(ChildIndex.parse(client.read(ids.index(key), "children", key)));
    }

    @Override
    public void put(String key, String value) {
        checkWrite("put", key, value);
        addToAncestors(key, "put");
        write("put", key, value, false, null);
    }

    /**
     * Atomic through {@code publishConfigCas}. One caveat of Nacos: a compare-and-set on an absent
     * configuration creates it, so a non-null expected value is first checked against a read; a
     * delete that lands between that read and the write lets the write re-create the key.
     */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checkWrite("compareAndSet", key, newValue);
        if (expectedValue == null) {
            addToAncestors(key, "compareAndSet");
        }
        return write("compareAndSet", key, newValue, true, expectedValue);
    }

    @Override
    public void delete(String key) {
        checkOpen("delete", key);
        Paths.requireKey(key);
        deleteTree(key);
        String parent = Paths.parent(key);
        if (ChildIndex.parse(client.read(ids.index(key), "delete", key)).isEmpty()) {
            updateIndex(parent, "delete", names -> {
                names.remove(Paths.name(key));
                return names;
            });
        }
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
        String stored = client.read(ids.value(key), operation, key);
        return stored == null ? Optional.empty() : Optional.of(StoredValue.decode(stored));
    }

    /**
     * Writes the next version of a key with compare-and-set against the content just read, retrying
     * when another writer got in between. With {@code compare}, gives up (false) as soon as the
     * current value differs from {@code expected} (null: the key must be absent).
     */
    private boolean write(String operation, String key, String value, boolean compare, String expected) {
        String dataId = ids.value(key);
        for (int attempt = 1; ; attempt++) {
            String stored = client.read(dataId, operation, key);
            VersionedValue current = stored == null ? null : StoredValue.decode(stored);
            if (compare && !Objects.equals(current == null ? null : current.value(), expected)) {
                return false;
            }
            long version = (current == null ? 0 : current.version()) + 1;
            String md5 = stored == null ? StoredValue.ABSENT_MD5 : StoredValue.md5(stored);
            if (client.publishCas(dataId, StoredValue.encode(value, version), md5, operation, key)) {
                LOG.debug("[{}] {} '{}' version {}", settings.logName(), operation, key, version);
                return true;
            }
            retryOrGiveUp(operation, key, dataId, stored, attempt);
        }
    }

    /** Adds each segment of {@code key} to its parent's index, root first. */
    private void addToAncestors(String key, String operation) {
        String parent = "/";
        for (String segment : Paths.segments(key)) {
            updateIndex(parent, operation, names -> {
                names.add(segment);
                return names;
            });
            parent = Paths.join(parent, segment);
        }
    }

    /** Applies {@code change} to an index with compare-and-set, retrying on conflict; no write if nothing changes. */
    private void updateIndex(String node, String operation, UnaryOperator<TreeSet<String>> change) {
        String dataId = ids.index(node);
        for (int attempt = 1; ; attempt++) {
            String content = client.read(dataId, operation, node);
            TreeSet<String> before = ChildIndex.parse(content);
            TreeSet<String> after = change.apply(new TreeSet<>(before));
            if (after.equals(before) && (content != null || after.isEmpty())) {
                return;
            }
            String md5 = content == null ? StoredValue.ABSENT_MD5 : StoredValue.md5(content);
            if (client.publishCas(dataId, ChildIndex.format(after), md5, operation, node)) {
                return;
            }
            retryOrGiveUp(operation, node, dataId, content, attempt);
        }
    }

    private void deleteTree(String key) {
        TreeSet<String> children = ChildIndex.parse(client.read(ids.index(key), "delete", key));
        for (String child : children) {
            deleteTree(Paths.join(key, child));
        }
        client.remove(ids.value(key), "delete", key);
        if (!children.isEmpty()) {
            updateIndex(key, "delete", names -> {
                names.removeAll(children);
                return names;
            });
        }
    }

    /**
     * After a failed compare-and-set: a conflict if the content changed since it was read, else a
     * refusal (the Nacos client does not say why a publish failed). Backs off briefly before a retry.
     */
    private void retryOrGiveUp(String operation, String key, String dataId, String readBefore, int attempt) {
        String now = client.read(dataId, operation, key);
        if (Objects.equals(now, readBefore)) {
            throw NacosErrors.refused(operation, key, settings);
        }
        if (attempt >= MAX_ATTEMPTS) {
            throw new GovernanceException(ErrorCode.CONFLICT, operation + " '" + key + "' on nacos repository: gave up after "
                    + attempt + " attempts against concurrent writers");
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(50, 100 * Math.min(attempt, 20) + 51)));
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
