package io.governor.api.repository.support;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys at or below one prefix with their values and versions, as a watch's listener last saw
 * them, and the {@link ChangeEvent}s that take that view to a new state.
 *
 * <p>A backend feeds it what it learns, in order per key: a value read or pushed ({@link #put}), a
 * removal ({@link #remove}, {@link #removeSubtree}), or, after a reconnect, a session expiry or a
 * compaction, a full read of the prefix ({@link #replace}), which yields exactly the events the
 * listener missed: deletions first (deepest key first), then additions and updates in key order.
 * Intermediate values between two reads are coalesced. A value whose version is what the view
 * already holds gives no event, so late or repeated notifications are harmless. Keys outside the
 * prefix are ignored.
 *
 * <p>A backend that only learns that a key changed, without reading it (a keys-only watch, see
 * {@link io.governor.api.repository.BulkReads#watchKeys}), records it with {@link #touched}: the key
 * is then known but unread, it is absent from the reads here, and the next {@link #replace} reports
 * it again (spuriously, as that contract allows) instead of missing it.
 *
 * <p>The same view serves local reads ({@link #get}, {@link #children}, {@link #readLocally}).
 *
 * <p><b>Thread safety:</b> every method is synchronized on the view. A caller that applies several
 * changes as one step (the events of one transaction) holds the view's monitor across the calls
 * ({@code synchronized (view) { ... }}): readers then see all of them or none. The events are
 * returned, not delivered: deliver them after leaving the monitor. Never blocks otherwise.
 */
public final class PrefixView {

    /** What a key changed but not read holds. Compared by identity. */
    private static final VersionedValue UNREAD = new VersionedValue("", -1);
    /** Deeper keys first (children before their parent), then key order. */
    private static final Comparator<String> DEEPEST_FIRST = Comparator.comparingInt(PrefixView::depth).reversed()
            .thenComparing(Comparator.naturalOrder());

    private final String prefix;
    private final NavigableMap<String, VersionedValue> entries = new TreeMap<>();

    /** An empty view of {@code prefix} ({@code /} for the whole namespace). */
    public PrefixView(String prefix) {
        this.prefix = Paths.requireKey(prefix, true);
    }

    /** The prefix this view holds. */
    public String prefix() {
        return prefix;
    }

    /**
     * Records the value of {@code key}.
     *
     * @return {@code ADDED} or {@code UPDATED} with the new value; null when the view already held
     *         this value and version, or the key is outside the prefix
     */
    public synchronized ChangeEvent put(String key, VersionedValue value) {
        if (!Paths.isAtOrBelow(key, prefix)) {
            return null;
        }
        VersionedValue before = entries.put(key, value);
        if (value.equals(before) && before != UNREAD) {
            return null;
        }
        return new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, key, value.value(),
                value.version());
    }

    /**
     * Records that {@code key} was created or changed, without its value.
     *
     * @return {@code ADDED} (the key was not known) or {@code UPDATED}, with a null value and version -1;
     *         null when the key is outside the prefix
     */
    public synchronized ChangeEvent touched(String key) {
        if (!Paths.isAtOrBelow(key, prefix)) {
            return null;
        }
        VersionedValue before = entries.put(key, UNREAD);
        return new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, key, null, -1);
    }

    /**
     * Records that {@code key} (not its descendants) holds no value.
     *
     * @return {@code DELETED} with the last value and version the view held (null and -1 if it was
     *         unread); null when the key was not known
     */
    public synchronized ChangeEvent remove(String key) {
        VersionedValue before = entries.remove(key);
        if (before == null) {
            return null;
        }
        return before == UNREAD ? new ChangeEvent(ChangeEvent.Type.DELETED, key, null, -1)
                : new ChangeEvent(ChangeEvent.Type.DELETED, key, before.value(), before.version());
    }

    /**
     * Records that the store reported {@code key} deleted (a delete notification, which is exact).
     *
     * @return {@code DELETED} with the last value and version the view held, or with null and -1 when
     *         it held none; null only when the key is outside the prefix
     */
    public synchronized ChangeEvent deleted(String key) {
        ChangeEvent known = remove(key);
        return known != null || !Paths.isAtOrBelow(key, prefix) ? known
                : new ChangeEvent(ChangeEvent.Type.DELETED, key, null, -1);
    }

    /** Records that {@code key} and all its descendants are gone; the deletions, deepest key first. */
    public synchronized List<ChangeEvent> removeSubtree(String key) {
        List<ChangeEvent> out = new ArrayList<>();
        for (String k : keysAtOrBelow(key)) {
            out.add(remove(k));
        }
        return out;
    }

    /**
     * Takes a full read of the prefix as the new state and returns what the listener missed:
     * deletions of the keys the read no longer has (deepest first), then additions and updates in
     * key order. Keys of {@code now} outside the prefix are ignored.
     *
     * @param now every key at or below the prefix that holds a value, with its value and version
     */
    public synchronized List<ChangeEvent> replace(Map<String, VersionedValue> now) {
        List<String> gone = new ArrayList<>();
        for (String key : entries.keySet()) {
            if (!now.containsKey(key)) {
                gone.add(key);
            }
        }
        gone.sort(DEEPEST_FIRST);
        List<ChangeEvent> out = new ArrayList<>();
        for (String key : gone) {
            out.add(remove(key));
        }
        for (Map.Entry<String, VersionedValue> e : new TreeMap<>(now).entrySet()) {
            ChangeEvent event = put(e.getKey(), e.getValue());
            if (event != null) {
                out.add(event);
            }
        }
        return out;
    }

    /** Takes {@code now} as the state without events: the starting point of a new watch. */
    public synchronized void reset(Map<String, VersionedValue> now) {
        entries.clear();
        now.forEach((key, value) -> {
            if (Paths.isAtOrBelow(key, prefix)) {
                entries.put(key, value);
            }
        });
    }

    /** The value of {@code key}; empty when not known or unread. */
    public synchronized Optional<VersionedValue> get(String key) {
        VersionedValue v = entries.get(key);
        return v == null || v == UNREAD ? Optional.empty() : Optional.of(v);
    }

    /**
     * The sorted names of the direct children of {@code key}, derived from the keys known below it
     * (a parent that holds no value of its own still has its children).
     */
    public synchronized List<String> children(String key) {
        String base = "/".equals(key) ? "/" : key + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String k : below(key).keySet()) {
            String rest = k.substring(base.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        return new ArrayList<>(names);
    }

    /** Every known key at or below {@code key}, deepest first. */
    public synchronized List<String> keysAtOrBelow(String key) {
        List<String> out = new ArrayList<>(below(key).keySet());
        if (entries.containsKey(key)) {
            out.add(key);
        }
        out.sort(DEEPEST_FIRST);
        return out;
    }

    /**
     * Answers a {@link io.governor.api.repository.LocalReads#readLocally readLocally} from the view: the
     * values of {@code keys} and of the direct children of {@code parents}, by full key; empty when a
     * key or parent is outside the prefix. The arguments are checked as {@code readAll} checks them
     * ({@link Paths#requireReadAll}). Copies only the nodes it returns.
     */
    public synchronized Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys,
                                                                               Collection<String> parents) {
        Paths.requireReadAll(keys, parents);
        if (!keys.stream().allMatch(k -> Paths.isAtOrBelow(k, prefix))
                || !parents.stream().allMatch(p -> Paths.isAtOrBelow(p, prefix))) {
            return Optional.empty();
        }
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        for (String key : keys) {
            get(key).ifPresent(v -> out.put(key, v));
        }
        for (String parent : parents) {
            below(parent).forEach((k, v) -> {
                if (v != UNREAD && Paths.parent(k).equals(parent)) {
                    out.put(k, v);
                }
            });
        }
        return Optional.of(out);
    }

    /** The strict descendants of {@code key}, a live view: they sort between "key/" and "key0" ('0' follows '/'). */
    private SortedMap<String, VersionedValue> below(String key) {
        String base = "/".equals(key) ? "" : key;
        return entries.subMap(base + "/", true, base + "0", false);
    }

    private static int depth(String key) {
        int n = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
