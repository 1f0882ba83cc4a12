package io.governor.repository.apollo;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTest {

    private static VersionedValue v(String value, long version) {
        return new VersionedValue(value, version);
    }

    @Test
    void replaceEmitsAddedUpdatedDeletedWithStoredVersions() {
        Snapshot s = new Snapshot();
        assertEquals(List.of(new ChangeEvent(ChangeEvent.Type.ADDED, "/a", "1", 1),
                new ChangeEvent(ChangeEvent.Type.ADDED, "/b", "1", 4)), s.replace(Map.of("/a", v("1", 1), "/b", v("1", 4))));

        assertEquals(List.of(new ChangeEvent(ChangeEvent.Type.UPDATED, "/a", "2", 2),
                new ChangeEvent(ChangeEvent.Type.DELETED, "/b", "1", 4)), s.replace(Map.of("/a", v("2", 2))));

        assertEquals(List.of(), s.replace(Map.of("/a", v("2", 2))), "no change, no event");
        assertEquals(List.of(new ChangeEvent(ChangeEvent.Type.UPDATED, "/a", "2", 3)), s.replace(Map.of("/a", v("2", 3))),
                "the same value rewritten is an update with the new version");
    }

    @Test
    void childrenAreDerivedFromDescendantKeysAndSorted() {
        Snapshot s = new Snapshot();
        s.replace(Map.of("/a/b/c", v("1", 1), "/a/a", v("1", 1), "/a-b/x", v("1", 1), "/a.b", v("1", 1), "/a/+", v("1", 1)));
        assertEquals(List.of("+", "a", "b"), s.children("/a"));
        assertEquals(List.of("a", "a-b", "a.b"), s.children("/"));
        assertEquals(List.of(), s.children("/a/a"));
        assertEquals(List.of(), s.children("/missing"));
        assertEquals(List.of("/a/b/c", "/a/+", "/a/a"), s.keysAtOrBelow("/a"));
    }

    @Test
    void anyAtOrBelowIgnoresSiblingsThatSortBetween() {
        Snapshot s = new Snapshot();
        s.replace(Map.of("/a-b", v("1", 1), "/a/b", v("1", 1)));
        assertTrue(s.anyAtOrBelow("/a"));
        s.replace(Map.of("/a-b", v("1", 1)));
        assertFalse(s.anyAtOrBelow("/a"));
    }
}
