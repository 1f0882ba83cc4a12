package io.governor.api.repository.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonThreadsTest {

    private static long alive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void namesDaemonThreadsAndLeavesNoneAfterStopAndJoin() throws Exception {
        DaemonThreads threads = new DaemonThreads("dt1", Duration.ofSeconds(5));
        ScheduledThreadPoolExecutor single = threads.single("lease");
        ExecutorService pool = Executors.newCachedThreadPool(threads.factory("pool-", true));
        assertEquals("governor-dt1-lease", single.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        assertTrue(single.submit(() -> Thread.currentThread().isDaemon()).get(10, TimeUnit.SECONDS));
        assertEquals("governor-dt1-pool-1", pool.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        assertTrue(single.submit(threads::isOwn).get(10, TimeUnit.SECONDS));
        assertFalse(threads.isOwn());
        threads.stop(single, false);
        threads.stop(pool, false);
        threads.join();
        assertEquals(0, alive("governor-dt1-"), "every thread has ended when join returns");
    }

    @Test
    void drainingStopRunsQueuedTasksAndTheOtherDropsThem() throws Exception {
        DaemonThreads threads = new DaemonThreads("dt2", Duration.ofSeconds(5));
        for (boolean drain : new boolean[] {true, false}) {
            ExecutorService e = Executors.newSingleThreadExecutor(threads.factory("notify", false));
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> ran = new CopyOnWriteArrayList<>();
            e.execute(() -> {
                running.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            e.execute(() -> ran.add("queued"));
            assertTrue(running.await(10, TimeUnit.SECONDS));
            if (drain) {
                release.countDown();
            } // without drain, the stop interrupts the running task
            threads.stop(e, drain);
            assertTrue(e.isTerminated());
            assertEquals(drain ? List.of("queued") : List.of(), ran, "drain " + drain);
        }
    }

    @Test
    void stopOnAnOwnThreadDoesNotWaitForItself() throws Exception {
        DaemonThreads threads = new DaemonThreads("dt3", Duration.ofSeconds(30));
        ScheduledThreadPoolExecutor single = threads.single("notify");
        AtomicBoolean returned = new AtomicBoolean();
        single.submit(() -> {
            threads.stop(single, true);
            threads.join();
            returned.set(true);
        }).get(10, TimeUnit.SECONDS);
        assertTrue(returned.get(), "stop and join from an own thread return at once");
        threads.join();
        assertEquals(0, alive("governor-dt3-"));
    }
}
