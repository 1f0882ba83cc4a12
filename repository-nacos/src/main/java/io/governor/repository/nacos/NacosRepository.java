package io.governor.repository.nacos;

import io.governor.api.repository.Capability;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.VersionedText;
import io.governor.api.repository.support.WatchSet;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A config-center {@link Repository} on one Nacos tenant and group, through the Nacos 2.x client's
 * config service.
 *
 * <p><b>Values</b> live in one configuration per key ({@link DataIds}), with a version header
 * ({@link VersionedText}). Every write is a {@code publishConfigCas} against the content just read,
 * retried on conflict, so versions grow strictly and {@link #compareAndSet} is atomic.
 *
 * <p><b>IMPORTANT, consistency</b>: Nacos serves reads from a cache it updates ~0.1 s after a write
 * (a removal up to ~1 s) and checks compare-and-set against its database. So a refused
 * compare-and-set is decided again on a fresh read, not taken for a failure, and every write
 * returns only once the server serves it, bounded by {@link NacosStore#CACHE_LAG_LIMIT}
 * ({@link NacosStore}): read-your-writes holds for every client of the same Nacos server, not across
 * the members of a Nacos cluster, which each have their own cache.
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
    static final Set<Capability> CAPABILITIES = Set.of(Capability.COMPARE_AND_SET);

    private final NacosSettings settings;
    private final Checks checks;
    private final DataIds ids;
    private final NacosClient client;
    private final NacosStore store;
    private final WatchThread watchThread;
    private final WatchSet<NacosWatch> watches = new WatchSet<>();
    private volatile boolean closed;

    NacosRepository(NacosSettings settings, NacosClient client) {
        this.settings = settings;
        this.checks = settings.checks;
        this.ids = new DataIds(settings.namespace);
        this.client = client;
        this.store = new NacosStore(client, settings);
        this.watchThread = new WatchThread(settings.namespace.isEmpty() ? "root" : settings.namespace);
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
        return checks.maxValueBytes();
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        checks.requireKey(closed, "get", key, false);
        String stored = store.read(ids.value(key), "get", key);
        return stored == null ? Optional.empty() : Optional.of(VersionedText.decode(stored));
    }

    @Override
    public List<String> children(String key) {
        checks.requireKey(closed, "children", key, true);
        return new ArrayList<>(ChildIndex.parse(store.read(ids.index(key), "children", key)));
    }

    @Override
    public void put(String key, String value) {
        checks.requireValue(closed, "put", key, value);
        NacosStore.Writes writes = store.writes("put", key);
        addToAncestors(key, writes);
        write(key, value, false, null, writes);
        writes.awaitServed();
    }

    /**
     * Atomic through {@code publishConfigCas}. One caveat of Nacos: a compare-and-set on an absent
     * configuration creates it, so a non-null expected value is first checked against a read; a
     * delete that lands between that read and the write lets the write re-create the key.
     */
    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checks.requireValue(closed, "compareAndSet", key, newValue);
        NacosStore.Writes writes = store.writes("compareAndSet", key);
        if (expectedValue == null) {
            addToAncestors(key, writes);
        }
        boolean done = write(key, newValue, true, expectedValue, writes);
        writes.awaitServed();
        return done;
    }

    /**
     * Recursive: removes every value below and at the key, bottom-up, then the key from its parent's
     * index unless a concurrent put gave it children again. Not atomic (see the class comment).
     * Returns once reads serve the removals. Safe to repeat.
     */
    @Override
    public void delete(String key) {
        checks.requireKey(closed, "delete", key, false);
        NacosStore.Writes writes = store.writes("delete", key);
        if (deleteTree(key, writes).isEmpty()) {
            updateIndex(Paths.parent(key), writes, names -> names.remove(Paths.name(key)));
        }
        writes.awaitServed();
        LOG.debug("[{}] deleted '{}'", settings.logName(), key);
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        checks.requireKey(closed, "watch", prefix, true);
        Objects.requireNonNull(listener, "listener");
        NacosWatch w = watches.add(new NacosWatch(prefix, listener, client, ids, watchThread, settings.logName(),
                settings.watchResync));
        w.start();
        LOG.debug("[{}] watching '{}'", settings.logName(), prefix);
        return w;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watches.closeAll();
        watchThread.close(settings.requestTimeout.multipliedBy(2));
        client.close();
        LOG.info("[{}] nacos repository closed ({})", settings.logName(), settings.where());
    }

    /**
     * Writes the next version of a key. With {@code compare}, writes only while the current value
     * equals {@code expected} (null: the key must be absent) and answers false otherwise.
     */
    private boolean write(String key, String value, boolean compare, String expected, NacosStore.Writes writes) {
        String written = writes.update(ids.value(key), compare, stored -> {
            VersionedValue current = stored == null ? null : VersionedText.decode(stored);
            if (compare && !Objects.equals(current == null ? null : current.value(), expected)) {
                return null;
            }
            return VersionedText.encode(value, (current == null ? 0 : current.version()) + 1);
        });
        if (written != null) {
            LOG.debug("[{}] wrote '{}' version {}", settings.logName(), key, VersionedText.decode(written).version());
        }
        return written != null;
    }

    /** Adds each segment of {@code key} to its parent's index, root first. */
    private void addToAncestors(String key, NacosStore.Writes writes) {
        String parent = "/";
        for (String segment : Paths.segments(key)) {
            updateIndex(parent, writes, names -> names.add(segment));
            parent = Paths.join(parent, segment);
        }
    }

    /** Applies {@code change} to an index and returns the names it then holds; no write if nothing changes. */
    private TreeSet<String> updateIndex(String node, NacosStore.Writes writes, Consumer<TreeSet<String>> change) {
        List<TreeSet<String>> result = new ArrayList<>(List.of(new TreeSet<>()));
        writes.update(ids.index(node), false, content -> {
            TreeSet<String> before = ChildIndex.parse(content);
            TreeSet<String> after = new TreeSet<>(before);
            change.accept(after);
            result.set(0, after);
            return after.equals(before) && (content != null || before.isEmpty()) ? null
                    : VersionedText.encode(ChildIndex.format(after), content == null ? 1 : VersionedText.decode(content).version() + 1);
        });
        return result.get(0);
    }

    /**
     * Removes the values below and at {@code key}, bottom-up, and the deleted names from the indexes,
     * as part of {@code writes} (awaited by the caller). Returns the names left in the key's own index
     * (children a concurrent put added), decided on the index as written, not as re-read.
     */
    private TreeSet<String> deleteTree(String key, NacosStore.Writes writes) {
        TreeSet<String> children = ChildIndex.parse(writes.read(ids.index(key)));
        TreeSet<String> gone = new TreeSet<>();
        for (String child : children) {
            if (deleteTree(Paths.join(key, child), writes).isEmpty()) {
                gone.add(child);
            }
        }
        writes.remove(ids.value(key));
        return children.isEmpty() ? children : updateIndex(key, writes, names -> names.removeAll(gone));
    }
}
