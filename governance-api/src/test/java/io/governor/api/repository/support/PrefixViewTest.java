package io.governor.api.repository.support;

import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static io.governor.api.repository.ChangeEvent.Type.DELETED;
import static io.governor.api.repository.ChangeEvent.Type.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrefixViewTest {

    private static VersionedValue v(String value, long version) {
        return new VersionedValue(value, version);
    }

    private static ChangeEvent e(ChangeEvent.Type type, String key, String value, long version) {
        return new ChangeEvent(type, key, value, version);
    }

    @Test
    void replaceEmitsAddedUpdatedDeletedWithStoredVersions() {
        PrefixView view = new PrefixView("/");
        assertEquals(List.of(e(ADDED, "/a", "1", 1), e(ADDED, "/b", "1", 4)),
                view.replace(Map.of("/a", v("1", 1), "/b", v("1", 4))));

        assertEquals(List.of(e(DELETED, "/b", "1", 4), e(UPDATED, "/a", "2", 2)), view.replace(Map.of("/a", v("2", 2))),
                "deletions first, then updates");

        assertEquals(List.of(), view.replace(Map.of("/a", v("2", 2))), "no change, no event");
        assertEquals(List.of(e(UPDATED, "/a", "2", 3)), view.replace(Map.of("/a", v("2", 3))),
                "the same value rewritten is an update with the new version");
    }

    @Test
    void replaceDeletesDeepestKeysFirstAndAddsInKeyOrder() {
        PrefixView view = new PrefixView("/app");
        view.reset(Map.of("/app", v("r", 1), "/app/a", v("1", 2), "/app/a/b", v("2", 3), "/app/z", v("3", 4)));
        assertEquals(List.of(e(DELETED, "/app/a/b", "2", 3), e(DELETED, "/app/a", "1", 2), e(DELETED, "/app", "r", 1),
                        e(ADDED, "/app/c", "5", 6), e(UPDATED, "/app/z", "4", 5)),
                view.replace(Map.of("/app/z", v("4", 5), "/app/c", v("5", 6))));
    }

    @Test
    void keysOutsideThePrefixAreIgnored() {
        PrefixView view = new PrefixView("/a");
        assertNull(view.put("/ab", v("1", 1)));
        assertEquals(List.of(e(ADDED, "/a/x", "1", 1)), view.replace(Map.of("/a/x", v("1", 1), "/b", v("1", 1))));
        view.reset(Map.of("/b", v("1", 1)));
        assertEquals(Optional.empty(), view.get("/b"));
    }

    @Test
    void aRepeatedNotificationGivesNoEventAndARemovalTheLastValue() {
        PrefixView view = new PrefixView("/");
        assertEquals(e(ADDED, "/k", "1", 7), view.put("/k", v("1", 7)));
        assertNull(view.put("/k", v("1", 7)));
        assertEquals(e(UPDATED, "/k", "2", 8), view.put("/k", v("2", 8)));
        assertEquals(e(DELETED, "/k", "2", 8), view.remove("/k"));
        assertNull(view.remove("/k"), "an unknown key gives no deletion");
        assertEquals(e(DELETED, "/k", null, -1), view.deleted("/k"), "a reported deletion is exact, known or not");
    }

    @Test
    void removeSubtreeDeletesTheKeyAndItsDescendantsButNotSiblingsThatSortBetween() {
        PrefixView view = new PrefixView("/");
        view.reset(Map.of("/a", v("1", 1), "/a/b", v("2", 2), "/a-b", v("3", 3), "/a/b/c", v("4", 4)));
        assertEquals(List.of(e(DELETED, "/a/b/c", "4", 4), e(DELETED, "/a/b", "2", 2), e(DELETED, "/a", "1", 1)),
                view.removeSubtree("/a"));
        assertEquals(Optional.of(v("3", 3)), view.get("/a-b"));
    }

    @Test
    void anUnreadKeyIsReportedAgainByTheNextFullRead() {
        PrefixView view = new PrefixView("/");
        view.reset(Map.of("/k", v("1", 1)));
        assertEquals(e(UPDATED, "/k", null, -1), view.touched("/k"));
        assertEquals(e(ADDED, "/n", null, -1), view.touched("/n"));
        assertEquals(Optional.empty(), view.get("/k"), "an unread key is not answered locally");
        assertEquals(List.of(e(UPDATED, "/k", "1", 1), e(UPDATED, "/n", "2", 2)),
                view.replace(Map.of("/k", v("1", 1), "/n", v("2", 2))));
        view.touched("/n");
        assertEquals(e(DELETED, "/n", null, -1), view.remove("/n"));
    }

    @Test
    void childrenAreDerivedFromDescendantKeysAndSorted() {
        PrefixView view = new PrefixView("/");
        view.replace(Map.of("/a/b/c", v("1", 1), "/a/a", v("1", 1), "/a-b/x", v("1", 1), "/a.b", v("1", 1), "/a/+", v("1", 1)));
        assertEquals(List.of("+", "a", "b"), view.children("/a"));
        assertEquals(List.of("a", "a-b", "a.b"), view.children("/"));
        assertEquals(List.of(), view.children("/a/a"));
        assertEquals(List.of(), view.children("/missing"));
        assertEquals(List.of("/a/b/c", "/a/+", "/a/a"), view.keysAtOrBelow("/a"));
    }

    @Test
    void childrenIgnoreSiblingsThatSortBetween() {
        PrefixView view = new PrefixView("/");
        view.replace(Map.of("/a-b", v("1", 1), "/a/b", v("1", 1)));
        assertEquals(List.of("b"), view.children("/a"));
        view.replace(Map.of("/a-b", v("1", 1)));
        assertEquals(List.of(), view.children("/a"));
    }

    @Test
    void readLocallyAnswersKeysAndDirectChildrenWithinThePrefixOnly() {
        PrefixView view = new PrefixView("/db");
        view.reset(Map.of("/db", v("0", 1), "/db/x", v("1", 2), "/db/x/y", v("2", 3), "/db/z", v("3", 4)));
        assertEquals(Optional.of(new java.util.TreeMap<>(Map.of("/db", v("0", 1), "/db/x", v("1", 2), "/db/z", v("3", 4)))),
                view.readLocally(List.of("/db", "/db/missing"), List.of("/db")));
        assertEquals(Optional.empty(), view.readLocally(List.of("/other"), List.of()));
        assertEquals(Optional.empty(), view.readLocally(List.of(), List.of("/")));
        assertThrows(GovernanceException.class, () -> view.readLocally(Set.of("/"), List.of()));
    }
}
