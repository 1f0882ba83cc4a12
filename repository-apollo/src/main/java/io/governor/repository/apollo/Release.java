package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writes of one repository call (a put, a compare-and-set, a delete, a commit) as one Apollo
 * release: each item is edited as an unpublished draft, then the namespace is published once.
 *
 * <p><b>No failed write is left behind as a draft.</b> Apollo releases every draft of a namespace
 * on the next publish, anyone's, so a draft whose own publish failed would appear later although
 * its write was reported failed. When an edit or the publish fails, the drafts made so far are put
 * back as they were before the call and the call fails with the error. A publish whose answer is
 * unusable (a timeout, a lost connection, a 5xx) may still have released: the latest release is
 * read first, and if it holds every edit the write succeeded. When that cannot be told, or the
 * drafts cannot be put back, the call fails with {@code OUTCOME_UNKNOWN}.
 *
 * <p>Stateless; every method blocks for OpenAPI calls.
 */
final class Release {

    /** One item edit: its stored text before the call (null: absent) and after it (null: removed). */
    record Change(String itemKey, String key, String before, String after) {
    }

    private Release() {
    }

    /** Edits the items and publishes once; on failure puts the drafts back (see the class comment). */
    static void publish(PortalClient portal, String operation, String key, List<Change> changes) {
        int edited = 0;
        try {
            for (Change c : changes) {
                edited++; // counted before the call: a timed-out edit may have been applied
                edit(portal, c, c.after());
            }
        } catch (GovernanceException e) {
            throw putBack(portal, changes.subList(0, edited), e, false);
        }
        try {
            portal.publish(operation, key);
        } catch (GovernanceException e) {
            Boolean released = released(portal, operation, key, changes);
            if (Boolean.TRUE.equals(released)) {
                return;
            }
            throw putBack(portal, changes, e, released == null);
        }
    }

    /** Sets the draft of a change's item to {@code text}, or removes it for null. */
    private static void edit(PortalClient portal, Change c, String text) {
        if (text == null) {
            portal.remove(c.itemKey(), c.key());
        } else {
            portal.upsert(c.itemKey(), c.key(), text);
        }
    }

    /** Whether the latest release holds every change; null when the release cannot be read. */
    private static Boolean released(PortalClient portal, String operation, String key, List<Change> changes) {
        try {
            Map<String, String> items = portal.released(operation, key);
            return items != null && changes.stream().allMatch(c -> Objects.equals(items.get(c.itemKey()), c.after()));
        } catch (GovernanceException e) {
            return null;
        }
    }

    /** Restores the drafts of {@code changes}; returns the exception the call fails with. */
    private static GovernanceException putBack(PortalClient portal, List<Change> changes, GovernanceException cause,
                                               boolean mayBeReleased) {
        try {
            for (Change c : changes) {
                edit(portal, c, c.before());
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
