package io.governor.repository.apollo;

import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.support.VersionedText;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Plans the item edits of one call's operations: checks and versions against the portal (the
 * freshest state, drafts included, each item read once), recursive deletes from the keys the
 * repository's view shows. Each put stores the item's next version ({@link VersionedText}).
 *
 * <p>Not thread-safe: one per call; it blocks for one OpenAPI read per item.
 */
final class Edits {

    private final PortalClient portal;
    private final ItemKeys keys;
    private final ToLongFunction<String> visibleVersion;
    private final Function<String, List<String>> visibleAtOrBelow;
    private final Map<String, String> stored = new HashMap<>();

    Edits(PortalClient portal, ItemKeys keys, ToLongFunction<String> visibleVersion,
          Function<String, List<String>> visibleAtOrBelow) {
        this.portal = portal;
        this.keys = keys;
        this.visibleVersion = visibleVersion;
        this.visibleAtOrBelow = visibleAtOrBelow;
    }

    /** The edits, in order, or null when a check does not hold (nothing to write). */
    List<Release.Change> plan(List<Operation> ops) {
        for (Operation op : ops) {
            if (op instanceof Operation.Check c) {
                String current = stored(c.key());
                if (!Objects.equals(current == null ? null : VersionedText.decode(current).value(), c.expectedValue())) {
                    return null;
                }
            }
        }
        Map<String, Release.Change> changes = new LinkedHashMap<>();
        for (Operation op : ops) {
            if (op instanceof Operation.Put p) {
                String before = stored(p.key());
                Release.Change prior = changes.get(p.key());
                long version = Math.max(Math.max(0, version(before)), Math.max(visibleVersion.applyAsLong(p.key()),
                        prior == null ? -1 : version(prior.after()))) + 1;
                String full = keys.hashed(p.key()) ? keys.fullItemKey(p.key()) : null;
                changes.put(p.key(), new Release.Change(keys.toItemKey(p.key()), p.key(), before,
                        VersionedText.encode(p.value(), version, full)));
            } else if (op instanceof Operation.Delete d) {
                Set<String> visible = new TreeSet<>(visibleAtOrBelow.apply(d.key()));
                Set<String> doomed = new TreeSet<>(visible);
                changes.keySet().stream().filter(k -> Paths.isAtOrBelow(k, d.key())).forEach(doomed::add);
                for (String k : doomed) {
                    String before = stored(k);
                    if (before == null && !visible.contains(k)) {
                        changes.remove(k); // put earlier in this commit, never stored
                    } else { // a visible item removed in the portal but not released still needs a release
                        changes.put(k, new Release.Change(keys.toItemKey(k), k, before, null));
                    }
                }
            }
        }
        return List.copyOf(changes.values());
    }

    /** The version stored text holds; -1 for none (an absent item). */
    static long version(String stored) {
        return stored == null ? -1 : VersionedText.version(stored);
    }

    private String stored(String key) {
        if (!stored.containsKey(key)) {
            stored.put(key, portal.value(keys.toItemKey(key), key));
        }
        return stored.get(key);
    }
}
