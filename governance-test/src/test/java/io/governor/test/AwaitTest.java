package io.governor.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AwaitTest {

    @Test
    void untilReturnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(5), "third poll", () -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
    }

    @Test
    void untilFailsAfterTheDeadlineNamingWhatItWaitedFor() {
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until(Duration.ofMillis(200), "a condition that never holds", () -> false));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("timed out after PT0.2S waiting for a condition that never holds", e.getMessage());
        assertTrue(tookMillis >= 200 && tookMillis < 5_000, () -> "took " + tookMillis + " ms");
    }

    @Test
    void valueReturnsThePresentValue() {
        AtomicInteger polls = new AtomicInteger();
        String v = Await.value(Duration.ofSeconds(5), "a value", () -> polls.incrementAndGet() < 2 ? Optional.empty() : Optional.of("x"));
        assertEquals("x", v);
    }

    @Test
    void valueWithPredicateShowsTheLastValueOnTimeout() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.value(Duration.ofMillis(100), "seven", () -> 6, v -> v == 7));
        assertTrue(e.getMessage().endsWith("waiting for seven; last value: 6"), e.getMessage());
    }

    @Test
    void runtimeExceptionsAreRetriedAndBecomeTheCause() {
        IllegalStateException failure = new IllegalStateException("backend not ready");
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(5), "recovers", () -> {
            if (polls.incrementAndGet() < 3) {
                throw failure;
            }
            return true;
        });
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until(Duration.ofMillis(100), "never", () -> {
            throw failure;
        }));
        assertSame(failure, e.getCause());
    }

    @Test
    void assertionErrorsInTheConditionFailAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        assertThrows(AssertionError.class, () -> Await.until(Duration.ofSeconds(5), "x", () -> {
            polls.incrementAndGet();
            throw new AssertionError("wrong");
        }));
        assertEquals(1, polls.get());
    }

    @Test
    void interruptRestoresTheFlagAndFails() {
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Await.until(Duration.ofSeconds(5), "x", () -> false));
            assertTrue(e.getMessage().startsWith("interrupted while waiting for x"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
