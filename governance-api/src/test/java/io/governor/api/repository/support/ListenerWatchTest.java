package io.governor.api.repository.support;

import io.governor.api.repository.ChangeEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerWatchTest {

    private static ChangeEvent added(String key) {
        return new ChangeEvent(ChangeEvent.Type.ADDED, key, "v", 1);
    }

    @Test
    void deliversEventsAtOrBelowThePrefixOnlyAndNothingAfterClose() {
        List<String> got = new CopyOnWriteArrayList<>();
        ListenerWatch w = new ListenerWatch("test", "/a", e -> got.add(e.key()));
        w.deliver(List.of(added("/a"), added("/a/b"), added("/ab"), added("/b")));
        w.close();
        w.deliver(added("/a/c"));
        assertEquals(List.of("/a", "/a/b"), got);
        assertTrue(w.isClosed());
    }

    @Test
    void aThrowingListenerIsLoggedAndDeliveryGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        ListenerWatch w = new ListenerWatch("test", "/", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        });
        w.deliver(List.of(added("/x"), added("/y")));
        assertEquals(2, calls.get());
    }

    @Test
    void closeWaitsForADeliveryInProgressOnAnotherThread() throws Exception {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        ListenerWatch w = new ListenerWatch("test", "/", e -> {
            inListener.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        });
        Thread deliverer = new Thread(() -> w.deliver(added("/x")));
        deliverer.start();
        assertTrue(inListener.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(w::close);
        closer.start();
        closer.join(200);
        assertTrue(closer.isAlive(), "close waits while the listener runs");
        release.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(1, finished.get(), "the delivery in progress finished before close returned");
        deliverer.join(10_000);
    }

    @Test
    void closeFromWithinTheListenerReturnsAndStopsFurtherEvents() {
        List<String> got = new CopyOnWriteArrayList<>();
        ListenerWatch[] self = new ListenerWatch[1];
        self[0] = new ListenerWatch("test", "/", e -> {
            got.add(e.key());
            self[0].close();
        });
        self[0].deliver(List.of(added("/x"), added("/y")));
        assertEquals(List.of("/x"), got);
    }

    @Test
    void onCloseRunsOnceAndClosingLeavesTheWatchSet() {
        AtomicInteger released = new AtomicInteger();
        WatchSet<ListenerWatch> set = new WatchSet<>();
        ListenerWatch w = set.add(new ListenerWatch("test", "/", e -> { }) {
            @Override
            protected void onClose() {
                released.incrementAndGet();
            }
        });
        ListenerWatch other = set.add(new ListenerWatch("test", "/o", e -> { }));
        assertEquals(List.of(w, other), set.list());
        w.close();
        w.close();
        assertEquals(1, released.get());
        assertEquals(List.of(other), set.list());
        set.closeAll();
        assertTrue(set.isEmpty());
        assertTrue(other.isClosed());
    }

    @Test
    void aWatchWhoseStartFailsIsClosedAndLeavesTheWatchSet() throws Exception {
        WatchSet<ListenerWatch> set = new WatchSet<>();
        ListenerWatch failing = new ListenerWatch("test", "/f", e -> { });
        Exception e = assertThrows(Exception.class, () -> set.open(failing, () -> {
            throw new Exception("first read failed");
        }));
        assertEquals("first read failed", e.getMessage());
        assertTrue(failing.isClosed());
        assertTrue(set.isEmpty());
        ListenerWatch started = new ListenerWatch("test", "/s", e2 -> { });
        assertSame(started, set.open(started, () -> { }));
        assertEquals(List.of(started), set.list());
        assertFalse(started.isClosed());
    }
}
