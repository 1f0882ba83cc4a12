package io.governor.repository.apollo;

import io.governor.api.repository.ChangeEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTest {

    @Test
    void replaceEmitsAddedUpdatedDeletedAndBumpsVersionsPerChange() {
        Snapshot s = new Snapshot();
        List<ChangeEvent> first = s.replace(Map.of("/a", "1", "/b", "1"));
        assertEquals(List.of(new ChangeEvent(ChangeEvent.Type.ADDED, "/a", "1", 1),
                new ChangeEvent(ChangeEvent.Type.ADDED, "/b", "1", 2)), first);

        List<ChangeEvent> second = s.replace(Map.of("/a", "2"));
        assertEquals(List.of(new ChangeEvent(ChangeEvent.Type.UPDATED, "/a", "2", 3),
                new ChangeEvent(ChangeEvent.Type.DELETED, "/b", "1", 2)), second);

        assertEquals(List.of(), s.replace(Map.of("/a", "2")), "no change, no event, same version");
        assertEquals(3, s.get("/a").orElseThrow().version());
    }

    @Test
    void childrenAreDerivedFromDescendantKeysAndSorted() {
        Snapshot s = new Snapshot();
        s.replace(Map.of("/a/b/c", "1", "/a/a", "1", "/a-b/x", "1", "/a.b", "1", "/a/+", "1"));
        assertEquals(List.of("+", "a", "b"), s.children("/a"));
        assertEquals(List.of("a", "a-b", "a.b"), s.children("/"));
        assertEquals(List.of(), s.children("/a/a"));
        assertEquals(List.of(), s.children("/missing"));
    }

    @Test
    void anyAtOrBelowIgnoresSiblingsThatSortBetween() {
        Snapshot s = new Snapshot();
        s.replace(Map.of("/a-b", "1", "/a/b", "1"));
        assertTrue(s.anyAtOrBelow("/a"));
        s.replace(Map.of("/a-b", "1"));
        assertFalse(s.anyAtOrBelow("/a"));
    }
}
