package io.governor.api.repository.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease state machine: held, then closed or lost, once; only a loss runs the callbacks. */
class FencedLeaseTest {

    private final List<String> endings = new ArrayList<>();

    private FencedLease lease() {
        return new FencedLease("jobs", 42, (l, released) -> endings.add(l.name() + (released ? " released" : " ended")));
    }

    @Test
    void closeReleasesOnceAndNeverRunsLostCallbacks() {
        FencedLease lease = lease();
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(lost::incrementAndGet);
        assertTrue(lease.isValid());
        assertEquals(42, lease.fencingToken());

        lease.close();
        lease.close();

        assertFalse(lease.isValid());
        assertFalse(lease.isLost());
        assertEquals(List.of("jobs released"), endings);
        assertTrue(lease.markLost().isEmpty(), "a closed lease cannot be lost");
        assertEquals(0, lost.get());
    }

    @Test
    void lossHandsBackEachCallbackOnceAndLaterCallbacksRunAtOnce() {
        FencedLease lease = lease();
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(lost::incrementAndGet);
        lease.onLost(() -> {
            throw new IllegalStateException("a callback that throws is logged");
        });

        List<Runnable> callbacks = lease.markLost();
        assertFalse(lease.isValid());
        assertTrue(lease.isLost());
        assertEquals(0, lost.get(), "the caller runs the callbacks where its backend runs them");
        callbacks.forEach(Runnable::run);
        assertEquals(1, lost.get());
        assertTrue(lease.markLost().isEmpty());

        lease.onLost(lost::incrementAndGet);
        assertEquals(2, lost.get(), "registered after the loss: runs at once");
        lease.close();
        assertEquals(List.of("jobs ended"), endings, "closing a lost lease releases nothing");
    }

    @Test
    void dropEndsWithoutReleaseOrCallbacks() {
        FencedLease lease = lease();
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(lost::incrementAndGet);
        lease.drop();
        lease.close();
        assertFalse(lease.isValid());
        assertFalse(lease.isLost());
        assertTrue(lease.markLost().isEmpty());
        lease.onLost(lost::incrementAndGet);
        assertEquals(0, lost.get());
        assertEquals(List.of("jobs ended"), endings);
    }
}
