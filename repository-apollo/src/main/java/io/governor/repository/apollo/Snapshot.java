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
 * This repository's view of its Apollo namespace: every key it owns with its value and version
 * (decoded from the stored text, see {@link io.governor.api.repository.support.VersionedText}), as the Apollo client last delivered it.
 *
 * <p>Not thread-safe: the repository guards it with its lock.
 */
final class Snapshot {

    private final NavigableMap<String, VersionedValue> entries = new TreeMap<>();

    /**
     * Replaces the view with {@code current} and returns the differences as events, in key order. A
     * key whose value or version changed is updated.
     */
    List<ChangeEvent> replace(Map<String, VersionedValue> current) {
        List<ChangeEvent> events = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(entries.keySet());
        keys.addAll(current.keySet());
        for (String key : keys) {
            VersionedValue before = entries.get(key);
            VersionedValue after = current.get(key);
            if (after == null) {
                entries.remove(key);
                events.add(new ChangeEvent(ChangeEvent.Type.DELETED, key, before.value(), before.version()));
            } else if (!after.equals(before)) {
                entries.put(key, after);
                ChangeEvent.Type type = before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED;
                events.add(new ChangeEvent(type, key, after.value(), after.version()));
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

    /** Every key at or below {@code key}, deepest first. */
    List<String> keysAtOrBelow(String key) {
        List<String> out = new ArrayList<>();
        if (entries.containsKey(key)) {
            out.add(key);
        }
        String base = "/".equals(key) ? "/" : key + "/";
        for (String k : entries.tailMap(base, true).keySet()) {
            if (!k.startsWith(base)) {
                break;
            }
            out.add(k);
        }
        out.sort((a, b) -> Long.compare(b.chars().filter(c -> c == '/').count(), a.chars().filter(c -> c == '/').count()));
        return out;
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
