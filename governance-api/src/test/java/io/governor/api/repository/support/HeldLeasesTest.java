package io.governor.api.repository.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leases of a session: lost together on a loss, never handed out valid after one. */
class HeldLeasesTest {

    private final HeldLeases held = new HeldLeases();
    private final List<String> endings = new ArrayList<>();

    private FencedLease grant(String name, long epoch) {
        return held.grant(name, 1, epoch, (l, released) -> endings.add(name + (released ? " released" : " ended")));
    }

    @Test
    void lossMarksEveryHeldLeaseLostAndReturnsTheirCallbacks() {
        FencedLease a = grant("a", held.epoch());
        FencedLease b = grant("b", held.epoch());
        AtomicInteger lost = new AtomicInteger();
        a.onLost(lost::incrementAndGet);
        b.onLost(lost::incrementAndGet);

        List<Runnable> callbacks = held.loseAll();

        assertTrue(a.isLost() && b.isLost());
        assertEquals(0, held.size());
        callbacks.forEach(Runnable::run);
        assertEquals(2, lost.get());
        assertEquals(List.of("a ended", "b ended"), endings);
    }

    @Test
    void aGrantThatRacedWithALossIsLostAtOnce() {
        long before = held.epoch();
        held.loseAll();
        FencedLease late = grant("late", before);
        assertTrue(late.isLost());
        assertEquals(0, held.size());
        assertTrue(grant("stale", HeldLeases.STALE).isLost());
        assertTrue(grant("fresh", held.epoch()).isValid());
    }

    @Test
    void closedLeasesLeaveTheSetAndCloseAllReleasesTheRest() {
        FencedLease a = grant("a", held.epoch());
        FencedLease b = grant("b", held.epoch());
        a.close();
        assertEquals(1, held.size());
        held.closeAll();
        assertFalse(b.isValid());
        assertFalse(b.isLost());
        assertEquals(List.of("a released", "b released"), endings);
        assertTrue(held.loseAll().isEmpty());
    }

    @Test
    void dropAllEndsWithoutRelease() {
        FencedLease a = grant("a", held.epoch());
        held.dropAll();
        assertFalse(a.isValid());
        assertFalse(a.isLost());
        assertEquals(List.of("a ended"), endings);
    }
}
