package io.governor.core.memory;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Operation;
import io.governor.api.repository.VersionedValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared state behind {@code memory} repositories: one key tree, one revision counter, one lock
 * table. Repositories whose {@code serverLists} name the same store meet here, so clients created
 * independently through {@link java.util.ServiceLoader} see each other's writes, watches, ephemerals
 * and locks, as clients of one server would.
 *
 * <p>Stores live in a static registry for the life of the JVM; tests that want a clean slate use a
 * unique store name or {@link #drop(String)}. Every mutation happens under one store-wide lock, which
 * makes compare-and-set and commit atomic and gives watches a single total order. Keys here are full
 * keys: the repository's namespace followed by its key.
 *
 * <p>Thread-safe; no method blocks except on the store lock.
 */
public final class MemoryStore {

    /** The store a blank server list names. */
    public static final String DEFAULT = "default";

    private static final ConcurrentMap<String, MemoryStore> STORES = new ConcurrentHashMap<>();

    /** Told of every mutation, under the store lock, in mutation order. */
    interface Subscriber {
        void changed(long revision, List<ChangeEvent> events);
    }

    /** A stored value; {@code session} is the owning session of an ephemeral, 0 for a persistent key. */
    private record Node(String value, long version, long session) {
    }

    final ReentrantLock lock = new ReentrantLock();
    private final String name;
    private final NavigableMap<String, Node> nodes = new TreeMap<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final MemoryLocks locks = new MemoryLocks(this);
    private long revision;
    private long sessions;

    private MemoryStore(String name) {
        this.name = name;
    }

    /** The store called {@code name}, created on first use. */
    static MemoryStore open(String name) {
        return STORES.computeIfAbsent(name, MemoryStore::new);
    }

    /**
     * Forgets the store called {@code name}: repositories created afterwards with that name start empty.
     * Repositories still open keep using the old store until closed.
     */
    public static void drop(String name) {
        STORES.remove(name);
    }

    String name() {
        return name;
    }

    MemoryLocks locks() {
        return locks;
    }

    void subscribe(Subscriber s) {
        lock.lock();
        try {
            subscribers.add(s);
        } finally {
            lock.unlock();
        }
    }

    void unsubscribe(Subscriber s) {
        lock.lock();
        try {
            subscribers.remove(s);
        } finally {
            lock.unlock();
        }
    }

    /** The latest revision; every mutation takes a new one. Call under the lock. */
    long revision() {
        return revision;
    }

    private long nextRevision() {
        return ++revision;
    }

    /** A new session id, never 0. */
    long newSession() {
        lock.lock();
        try {
            return ++sessions;
        } finally {
            lock.unlock();
        }
    }

    Optional<VersionedValue> get(String key) {
        lock.lock();
        try {
            Node n = nodes.get(key);
            return n == null ? Optional.empty() : Optional.of(new VersionedValue(n.value, n.version));
        } finally {
            lock.unlock();
        }
    }

    /** Sorted names of the direct children of {@code key} (a full key, or {@code /}). */
    List<String> children(String key) {
        String from = ("/".equals(key) ? "" : key) + "/";
        lock.lock();
        try {
            TreeSet<String> names = new TreeSet<>();
            for (String k : descendants(key).keySet()) {
                int end = k.indexOf('/', from.length());
                names.add(end < 0 ? k.substring(from.length()) : k.substring(from.length(), end));
            }
            return new ArrayList<>(names);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a key: with {@code session} 0 a persistent key (also over an ephemeral, as every
     * repository's put does); otherwise an ephemeral of {@code session}.
     *
     * @return the revision of the write, which is the key's new version
     */
    long put(String key, String value, long session) {
        lock.lock();
        try {
            List<ChangeEvent> events = new ArrayList<>(1);
            long rev = nextRevision();
            write(key, value, session, rev, events);
            publish(rev, events);
            return rev;
        } finally {
            lock.unlock();
        }
    }

    boolean compareAndSet(String key, String expected, String value) {
        lock.lock();
        try {
            if (!holds(key, expected)) {
                return false;
            }
            put(key, value, 0);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes {@code key} and its descendants. */
    void delete(String key) {
        lock.lock();
        try {
            if (nodes.containsKey(key) || !descendants(key).isEmpty()) {
                List<ChangeEvent> events = new ArrayList<>();
                long rev = nextRevision();
                remove(key, events);
                publish(rev, events);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Deletes {@code key} (not its descendants) if its version is still {@code version}. */
    void deleteIfVersion(String key, long version) {
        lock.lock();
        try {
            Node n = nodes.get(key);
            if (n != null && n.version == version) {
                long rev = nextRevision();
                nodes.remove(key);
                publish(rev, List.of(new ChangeEvent(ChangeEvent.Type.DELETED, key, n.value, n.version)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Applies every write if every check holds; operations carry full keys and are already validated. */
    boolean commit(List<Operation> operations) {
        lock.lock();
        try {
            for (Operation op : operations) {
                if (op instanceof Operation.Check c && !holds(c.key(), c.expectedValue())) {
                    return false;
                }
            }
            List<ChangeEvent> events = new ArrayList<>();
            long rev = nextRevision();
            for (Operation op : operations) {
                if (op instanceof Operation.Put p) {
                    write(p.key(), p.value(), 0, rev, events);
                } else if (op instanceof Operation.Delete d) {
                    remove(d.key(), events);
                }
            }
            publish(rev, events);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every ephemeral of {@code session}, as a server does when a session ends; returns how many. */
    int removeSession(long session) {
        lock.lock();
        try {
            List<String> owned = new ArrayList<>();
            nodes.forEach((k, n) -> {
                if (n.session == session) {
                    owned.add(k);
                }
            });
            if (owned.isEmpty()) {
                return 0;
            }
            List<ChangeEvent> events = new ArrayList<>();
            long rev = nextRevision();
            for (String k : owned) {
                Node n = nodes.remove(k);
                events.add(new ChangeEvent(ChangeEvent.Type.DELETED, k, n.value, n.version));
            }
            publish(rev, events);
            return owned.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean holds(String key, String expected) {
        Node n = nodes.get(key);
        return expected == null ? n == null : n != null && n.value.equals(expected);
    }

    private void write(String key, String value, long session, long rev, List<ChangeEvent> events) {
        Node old = nodes.get(key);
        nodes.put(key, new Node(value, rev, session));
        events.add(new ChangeEvent(old == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, key, value, rev));
    }

    private void remove(String key, List<ChangeEvent> events) {
        Node self = nodes.remove(key);
        if (self != null) {
            events.add(new ChangeEvent(ChangeEvent.Type.DELETED, key, self.value, self.version));
        }
        Map<String, Node> below = descendants(key);
        below.forEach((k, n) -> events.add(new ChangeEvent(ChangeEvent.Type.DELETED, k, n.value, n.version)));
        below.clear();
    }

    /** A live view of the strict descendants of {@code key}: '0' is the character after '/'. */
    private NavigableMap<String, Node> descendants(String key) {
        String p = "/".equals(key) ? "" : key;
        return nodes.subMap(p + "/", true, p + "0", false);
    }

    private void publish(long rev, List<ChangeEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<ChangeEvent> view = List.copyOf(events);
        for (Subscriber s : subscribers) {
            s.changed(rev, view);
        }
    }
}
