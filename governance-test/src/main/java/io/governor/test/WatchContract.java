package io.governor.test;

import io.governor.api.repository.BulkReads;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.Watch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static io.governor.api.repository.ChangeEvent.Type.DELETED;
import static io.governor.api.repository.ChangeEvent.Type.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watch part of the {@link RepositoryContractTest repository contract}: prefix watches deliver
 * ADDED / UPDATED / DELETED for the prefix and its descendants, in order per key, on a repository
 * thread, and nothing after close.
 */
abstract class WatchContract extends ContractSupport {

    // ---- watches -------------------------------------------------------------------------------

    @Test
    void watchDeliversAddedUpdatedDeletedForPrefixAndDescendants() {
        Repository r = client();
        Repository writer = client();
        EventRecorder events = new EventRecorder();
        Watch w = r.watch("/app", events);
        assertEquals("/app", w.prefix());

        writer.put("/app", "self");
        awaitEvent(events, ADDED, "/app", "self");
        writer.put("/app/x", "1");
        long v1 = writer.get("/app/x").orElseThrow().version();
        assertEquals(v1, awaitEvent(events, ADDED, "/app/x", "1").version(), "ADDED carries the version");
        writer.put("/app/x", "2");
        long v2 = writer.get("/app/x").orElseThrow().version();
        assertEquals(v2, awaitEvent(events, UPDATED, "/app/x", "2").version(), "UPDATED carries the new version");
        writer.put("/app/a/b/c", "deep");
        long vDeep = writer.get("/app/a/b/c").orElseThrow().version();
        assertEquals(vDeep, awaitEvent(events, ADDED, "/app/a/b/c", "deep").version());
        writer.delete("/app/x");
        awaitEvent(events, DELETED, "/app/x", null);
        assertEquals(List.of(ADDED, UPDATED, DELETED), events.eventsFor("/app/x").stream().map(ChangeEvent::type).toList());
    }

    @Test
    void recursiveDeleteDeliversDeletedForEachDescendant() {
        Repository r = client();
        r.put("/t/a", "1");
        r.put("/t/a/b", "2");
        r.put("/t/c", "3");
        EventRecorder events = new EventRecorder();
        r.watch("/t", events);
        r.delete("/t");
        for (String key : List.of("/t/a", "/t/a/b", "/t/c")) {
            awaitEvent(events, DELETED, key, null);
        }
    }

    @Test
    void watchOnKeyDoesNotDeliverSiblingWithCommonPrefix() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/a", events);
        r.put("/ab", "sibling");
        r.put("/abc/d", "cousin");
        r.put("/a/x", "child");
        awaitEvent(events, ADDED, "/a/x", "child");
        r.put("/ab", "sibling again");
        r.put("/a/y", "child");
        awaitEvent(events, ADDED, "/a/y", "child");
        assertTrue(events.events().stream().allMatch(e -> Paths.isAtOrBelow(e.key(), "/a")),
                () -> "only /a and its descendants: " + events);
    }

    @Test
    void watchOnRootSeesEveryKeyOfTheNamespace() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/", events);
        r.put("/one", "1");
        r.put("/two/deep/key", "2");
        awaitEvent(events, ADDED, "/one", "1");
        awaitEvent(events, ADDED, "/two/deep/key", "2");
        client(namespace() + "-other").put("/one", "elsewhere");
        r.put("/three", "3");
        awaitEvent(events, ADDED, "/three", "3");
        assertTrue(events.eventsFor("/one").stream().noneMatch(e -> "elsewhere".equals(e.value())),
                () -> "no event from another namespace: " + events);
    }

    @Test
    void eventsArriveInOrderPerKey() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/seq", events);
        for (int i = 0; i < 50; i++) {
            r.put("/seq/k", "v" + i);
        }
        events.await(awaitTimeout(), "the last write v49", e -> e.key().equals("/seq/k") && "v49".equals(e.value()));
        List<ChangeEvent> seen = events.eventsFor("/seq/k");
        int lastIndex = -1;
        long lastVersion = Long.MIN_VALUE;
        for (ChangeEvent e : seen) {
            int index = Integer.parseInt(e.value().substring(1));
            assertTrue(index > lastIndex, () -> "values in write order (coalescing allowed): " + seen);
            assertTrue(e.version() > lastVersion, () -> "versions increase: " + seen);
            lastIndex = index;
            lastVersion = e.version();
        }
        assertEquals("v49", seen.get(seen.size() - 1).value(), "the last write is the last event");
        assertEquals(ADDED, seen.get(0).type());
    }

    @Test
    void watchListenerRunsOnRepositoryThreadNotCallers() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/th", events);
        r.put("/th/k", "v");
        awaitEvent(events, ADDED, "/th/k", "v");
        assertFalse(events.threads().contains(Thread.currentThread()), "listener ran on the caller's thread");
    }

    @Test
    void noEventsAfterWatchClose() {
        EventRecorder closed = closeAfterFirstEvent("/w", false);
        assertEquals(List.of("/w/a"), closed.events().stream().map(ChangeEvent::key).toList(),
                () -> "closed watch received: " + closed);
    }

    /**
     * Watches {@code prefix} ({@code watchKeys} or {@code watch}) and closes the watch (twice) after
     * the event of {@code a}; then writes {@code b} and {@code a} again and waits until another
     * watch has seen them. Returns what the closed watch received.
     */
    private EventRecorder closeAfterFirstEvent(String prefix, boolean keysOnly) {
        Repository r = client();
        EventRecorder closed = new EventRecorder();
        EventRecorder probe = new EventRecorder();
        Watch w = keysOnly ? BulkReads.of(r).watchKeys(prefix, closed) : r.watch(prefix, closed);
        r.watch(prefix, probe);
        r.put(prefix + "/a", "1");
        awaitEvent(closed, ADDED, prefix + "/a", keysOnly ? null : "1");
        w.close();
        w.close();
        r.put(prefix + "/b", "2");
        r.put(prefix + "/a", "3");
        awaitEvent(probe, UPDATED, prefix + "/a", "3");
        return closed;
    }

    @Test
    void throwingListenerDoesNotStopDelivery() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/boom", e -> {
            events.onEvent(e);
            throw new IllegalStateException("listener failure expected by the test");
        });
        r.put("/boom/1", "a");
        r.put("/boom/2", "b");
        awaitEvent(events, ADDED, "/boom/1", "a");
        awaitEvent(events, ADDED, "/boom/2", "b");
    }

    @Test
    void twoWatchesOnOneRepositoryBothReceive() {
        Repository r = client();
        EventRecorder outer = new EventRecorder();
        EventRecorder inner = new EventRecorder();
        r.watch("/two", outer);
        r.watch("/two/sub", inner);
        client().put("/two/sub/k", "v");
        awaitEvent(outer, ADDED, "/two/sub/k", "v");
        awaitEvent(inner, ADDED, "/two/sub/k", "v");
    }
    // ---- keys-only watches ---------------------------------------------------------------------

    /**
     * {@code watchKeys}: each change of a key at or below the prefix gives an event for that key, in
     * order per key; a value, where an event has one, is the one written; any other event is for a
     * key that holds no value (a parent created on the way).
     */
    @Test
    void watchKeysReportsEveryChangedKeyInOrder() {
        Repository r = client();
        Repository writer = client();
        EventRecorder events = new EventRecorder();
        Watch w = BulkReads.of(r).watchKeys("/keys", events);
        assertEquals("/keys", w.prefix());
        writer.put("/keys/x", "1");
        awaitEvent(events, ADDED, "/keys/x", null);
        writer.put("/keys/x", "2");
        awaitEvent(events, UPDATED, "/keys/x", null);
        writer.put("/keys/a/b/c", "deep");
        writer.put("/keysake", "a sibling with a common prefix");
        awaitEvent(events, ADDED, "/keys/a/b/c", null);
        writer.delete("/keys/x");
        awaitEvent(events, DELETED, "/keys/x", null);

        List<ChangeEvent> x = events.eventsFor("/keys/x");
        assertEquals(List.of(ADDED, UPDATED, DELETED), x.stream().map(ChangeEvent::type).toList(), x::toString);
        assertTrue(x.get(0).value() == null || x.get(0).value().equals("1"), x::toString);
        assertTrue(x.get(1).value() == null || x.get(1).value().equals("2"), x::toString);
        List<String> valueless = List.of("/keys", "/keys/a", "/keys/a/b");
        for (ChangeEvent e : events.events()) {
            assertTrue(e.key().equals("/keys/x") || e.key().equals("/keys/a/b/c") || valueless.contains(e.key()),
                    () -> "only the changed keys and their value-less parents: " + events);
        }
        assertFalse(events.threads().contains(Thread.currentThread()), "listener ran on the caller's thread");
    }

    @Test
    void noKeyEventsAfterWatchKeysClose() {
        EventRecorder closed = closeAfterFirstEvent("/wk", true);
        // "/wk" itself: the value-less parent created on the way, which a keys-only watch may report
        assertTrue(closed.events().stream().allMatch(e -> e.key().equals("/wk") || e.key().equals("/wk/a")),
                () -> "closed watch received: " + closed);
        assertEquals(1, closed.eventsFor("/wk/a").size(), () -> "closed watch received: " + closed);
    }
}
