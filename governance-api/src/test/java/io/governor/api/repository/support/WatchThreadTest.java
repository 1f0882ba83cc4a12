package io.governor.api.repository.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchThreadTest {

    @Test
    void runsTasksInOrderOnOneNamedThreadAndGoesOnAfterAFailingOne() throws Exception {
        try (WatchThread thread = new WatchThread("ns")) {
            List<String> ran = new CopyOnWriteArrayList<>();
            thread.execute(() -> ran.add(Thread.currentThread().getName() + ":1"));
            thread.execute(() -> {
                throw new IllegalStateException("task bug");
            });
            thread.execute(() -> ran.add("2"));
            assertEquals("done", thread.call(() -> "done", Duration.ofSeconds(10)), "call queues behind earlier tasks");
            assertEquals(List.of("governor-ns-watch:1", "2"), ran);
        }
    }

    @Test
    void callRunsInlineOnTheThreadItselfAndTimesOutOtherwise() throws Exception {
        try (WatchThread thread = new WatchThread("ns")) {
            assertEquals(Boolean.TRUE, thread.call(() -> thread.call(thread::isCurrent, Duration.ofMillis(1)),
                    Duration.ofSeconds(10)));
            assertFalse(thread.isCurrent());
            CountDownLatch release = new CountDownLatch(1);
            thread.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThrows(TimeoutException.class, () -> thread.call(() -> null, Duration.ofMillis(50)));
            release.countDown();
        }
    }

    @Test
    void closeSkipsQueuedTasksAndDropsLaterOnes() throws Exception {
        WatchThread thread = new WatchThread("ns");
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean queuedRan = new AtomicBoolean();
        thread.execute(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS); // interrupted by close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.execute(() -> queuedRan.set(true));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        thread.close(Duration.ofSeconds(10));
        thread.execute(() -> queuedRan.set(true));
        assertFalse(queuedRan.get());
        assertEquals(null, thread.schedule(() -> queuedRan.set(true), Duration.ZERO));
        assertThrows(RejectedExecutionException.class, () -> thread.call(() -> null, Duration.ofSeconds(1)));
    }

    @Test
    void theThreadRunsWhileOpenAndHasEndedWhenCloseReturns() {
        WatchThread thread = new WatchThread("alive-test");
        assertTrue(alive("governor-alive-test-watch"), "started with the watch thread");
        thread.close(Duration.ofSeconds(10));
        assertFalse(alive("governor-alive-test-watch"));
    }

    private static boolean alive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void repeatRunsUntilCancelled() throws Exception {
        try (WatchThread thread = new WatchThread("ns")) {
            CountDownLatch three = new CountDownLatch(3);
            var task = thread.repeat(three::countDown, Duration.ofMillis(5));
            assertTrue(three.await(10, TimeUnit.SECONDS));
            task.cancel(false);
            assertTrue(task.isCancelled());
        }
    }
}
