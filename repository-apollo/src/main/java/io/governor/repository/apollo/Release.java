package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
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
 * The writes of one repository call (a put, a compare-and-set, a delete, a commit) as one Apollo
 * release: each item is edited as an unpublished draft, then the namespace is published once.
 *
 * <p><b>Planning</b> ({@link #plan}): checks and versions are decided against the portal (the
 * freshest state, drafts included, each item read once), recursive deletes from the keys the
 * repository's view shows. Each put stores the item's next version ({@link VersionedText}).
 *
 * <p><b>No failed write is left behind as a draft.</b> Apollo releases every draft of a namespace
 * on the next publish, anyone's, so a draft whose own publish failed would appear later although
 * its write was reported failed. When an edit or the publish fails, the drafts made so far are put
 * back as they were before the call and the call fails with the error. A publish whose answer is
 * unusable (a timeout, a lost connection, a 5xx) may still have released: the latest release is
 * read first, and if it holds every edit the write succeeded. When that cannot be told, or the
 * drafts cannot be put back, the call fails with {@code OUTCOME_UNKNOWN}.
 *
 * <p>Not thread-safe: one per call; every method but {@link #version} blocks for OpenAPI calls.
 */
final class Release {

    /** One item edit: its stored text before the call (null: absent) and after it (null: removed). */
    record Change(String itemKey, String key, String before, String after) {
    }

    private final PortalClient portal;
    private final ItemKeys keys;
    private final ToLongFunction<String> visibleVersion;
    private final Function<String, List<String>> visibleAtOrBelow;
    private final Map<String, String> stored = new HashMap<>();

    Release(PortalClient portal, ItemKeys keys, ToLongFunction<String> visibleVersion,
            Function<String, List<String>> visibleAtOrBelow) {
        this.portal = portal;
        this.keys = keys;
        this.visibleVersion = visibleVersion;
        this.visibleAtOrBelow = visibleAtOrBelow;
    }

    /** The edits, in order, or null when a check does not hold (nothing to write). */
    List<Change> plan(List<Operation> ops) {
        for (Operation op : ops) {
            if (op instanceof Operation.Check c) {
                String current = stored(c.key());
                if (!Objects.equals(current == null ? null : VersionedText.decode(current).value(), c.expectedValue())) {
                    return null;
                }
            }
        }
        Map<String, Change> changes = new LinkedHashMap<>();
        for (Operation op : ops) {
            if (op instanceof Operation.Put p) {
                String before = stored(p.key());
                Change prior = changes.get(p.key());
                long version = Math.max(Math.max(0, version(before)), Math.max(visibleVersion.applyAsLong(p.key()),
                        prior == null ? -1 : version(prior.after()))) + 1;
                String full = keys.hashed(p.key()) ? keys.fullItemKey(p.key()) : null;
                changes.put(p.key(), new Change(keys.toItemKey(p.key()), p.key(), before,
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
                        changes.put(k, new Change(keys.toItemKey(k), k, before, null));
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

    /** Edits the items and publishes once; on failure puts the drafts back (see the class comment). */
    void publish(String operation, String key, List<Change> changes) {
        int edited = 0;
        try {
            for (Change c : changes) {
                edited++; // counted before the call: a timed-out edit may have been applied
                edit(c, c.after());
            }
        } catch (GovernanceException e) {
            throw putBack(changes.subList(0, edited), e, false);
        }
        try {
            portal.publish(operation, key);
        } catch (GovernanceException e) {
            Boolean released = released(operation, key, changes);
            if (Boolean.TRUE.equals(released)) {
                return;
            }
            throw putBack(changes, e, released == null);
        }
    }

    /** Sets the draft of a change's item to {@code text}, or removes it for null. */
    private void edit(Change c, String text) {
        if (text == null) {
            portal.remove(c.itemKey(), c.key());
        } else {
            portal.upsert(c.itemKey(), c.key(), text);
        }
    }

    /** Whether the latest release holds every change; null when the release cannot be read. */
    private Boolean released(String operation, String key, List<Change> changes) {
        try {
            Map<String, String> items = portal.released(operation, key);
            return items != null && changes.stream().allMatch(c -> Objects.equals(items.get(c.itemKey()), c.after()));
        } catch (GovernanceException e) {
            return null;
        }
    }

    /** Restores the drafts of {@code changes}; returns the exception the call fails with. */
    private GovernanceException putBack(List<Change> changes, GovernanceException cause, boolean mayBeReleased) {
        try {
            for (Change c : changes) {
                edit(c, c.before());
            }
        } catch (GovernanceException e) {
            cause.addSuppressed(e);
            return new GovernanceException(ErrorCode.OUTCOME_UNKNOWN, cause.getMessage() + "; its edits could not be put "
                    + "back and stay as drafts: the next release of the namespace, by anyone, publishes them. Re-read "
                    + "the keys before writing again", cause);
        }
        if (mayBeReleased) {
            return new GovernanceException(ErrorCode.OUTCOME_UNKNOWN, cause.getMessage() + "; the release may have been "
                    + "made (the latest release could not be read); the edits were put back as drafts, so the next "
                    + "release restores the keys as they were. Re-read the keys before writing again", cause);
        }
        return cause;
    }
}
