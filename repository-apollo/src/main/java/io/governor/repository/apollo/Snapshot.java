package io.governor.repository.apollo;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.VersionedValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This repository's view of its Apollo namespace: every key it owns with its value and a derived
 * version.
 *
 * <p>Apollo keeps no per-item version, so the snapshot derives one: a counter owned by this
 * repository instance, bumped for every change it observes, and stamped on the key that changed.
 * A key's version therefore grows with every observed change of that key, but versions are only
 * comparable within one repository instance (another client of the same namespace counts
 * differently), and several changes that Apollo delivered as one release count once.
 *
 * <p>Not thread-safe: the repository guards it with its lock.
 */
final class Snapshot {

    private final NavigableMap<String, VersionedValue> entries = new TreeMap<>();
    private long counter;

    /**
     * Replaces the view with {@code current} (key to value) and returns the differences as events,
     * in key order.
     */
    List<ChangeEvent> replace(Map<String, String> current) {
        List<ChangeEvent> events = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(entries.keySet());
        keys.addAll(current.keySet());
        for (String key : keys) {
            VersionedValue before = entries.get(key);
            String after = current.get(key);
            if (after == null) {
                entries.remove(key);
                events.add(new ChangeEvent(ChangeEvent.Type.DELETED, key, before.value(), before.version()));
            } else if (before == null || !before.value().equals(after)) {
                VersionedValue next = new VersionedValue(after, ++counter);
                entries.put(key, next);
                ChangeEvent.Type type = before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED;
                events.add(new ChangeEvent(type, key, after, next.version()));
            }
        }
        return events;
    }

    Optional<VersionedValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The sorted names of the direct children of {@code key}, derived from the keys below it. */
    List<String> children(String key) {
        String base = "/".equals(key) ? "/" : key + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String k : entries.tailMap(base, true).keySet()) {
            if (!k.startsWith(base)) {
                break;
            }
            String rest = k.substring(base.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        return new ArrayList<>(names);
    }

    /** Whether any key at or below {@code key} is present. */
    boolean anyAtOrBelow(String key) {
        if (entries.containsKey(key)) {
            return true;
        }
        String base = "/".equals(key) ? "/" : key + "/";
        String next = entries.ceilingKey(base);
        return next != null && next.startsWith(base);
    }
}
