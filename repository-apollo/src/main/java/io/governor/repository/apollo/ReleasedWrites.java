package io.governor.repository.apollo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * The writes released from this JVM to one Apollo namespace (app, cluster, namespace name) that the
 * JVM's Apollo client may not show yet. The client is JVM-wide, so every repository of the JVM on
 * that namespace waits for them before it reads: a write is visible in the whole JVM once it
 * returns.
 *
 * <p>A write is shown in a repository's view (its last sync of the client) when the view holds the
 * write's version or a later one (for a removal: no item), or when the view was read after a view
 * of the JVM first showed it, so that a later edit by someone else holds no reader up. A write not
 * shown by its deadline is dropped and reported once, as late.
 *
 * <p>Thread-safe.
 */
final class ReleasedWrites {

    /** What a view still waits for: whether any write, and the item key of a write found late (or null). */
    record Pending(boolean waiting, String late) {
    }

    /** A released write: the version (-1: removed), its deadline, and when a view first showed it (0: not yet). */
    private record Write(long version, long deadline, long shownAt) {
    }

    private static final ConcurrentMap<String, ReleasedWrites> BY_NAMESPACE = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, Write> writes = new ConcurrentHashMap<>();

    private ReleasedWrites() {
    }

    /** The JVM's released writes to the namespace {@code settings} address. */
    static ReleasedWrites of(ApolloSettings settings) {
        return BY_NAMESPACE.computeIfAbsent(settings.appId + "+" + settings.cluster + "+" + settings.namespaceName,
                k -> new ReleasedWrites());
    }

    /** Records a released write of {@code version} (-1: the item was removed), to be shown within {@code timeout}. */
    void add(String itemKey, long version, Duration timeout) {
        writes.put(itemKey, new Write(version, System.nanoTime() + timeout.toNanos(), 0));
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    /**
     * What a view ({@code versions}: item key to version, read from the client at {@code viewTime})
     * still waits for among the writes of item keys {@code items} accepts; drops the writes past
     * their deadline.
     */
    Pending pending(Map<String, Long> versions, long viewTime, Predicate<String> items) {
        long now = System.nanoTime();
        String late = null;
        boolean waiting = false;
        for (Map.Entry<String, Write> e : writes.entrySet()) {
            Write w = e.getValue();
            Long seen = versions.get(e.getKey());
            boolean shown = w.shownAt() != 0 ? viewTime - w.shownAt() >= 0
                    : w.version() < 0 ? seen == null : seen != null && seen >= w.version();
            if (now - w.deadline() > 0) {
                if (writes.remove(e.getKey(), w) && !shown) {
                    late = e.getKey();
                }
            } else if (shown && w.shownAt() == 0) {
                writes.replace(e.getKey(), w, new Write(w.version(), w.deadline(), viewTime));
            } else if (!shown && items.test(e.getKey())) {
                waiting = true;
            }
        }
        return new Pending(waiting, late);
    }
}
