package io.governor.api.repository.support;

import io.governor.api.repository.ConnectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat's states, the re-put of owned ephemerals and the loss of held locks, against a fake store. */
class HeartbeatLeaseTest {

    /** A store whose answers the test switches: reachable or not, and whether it still knows the lease. */
    private static final class FakeStore implements HeartbeatLease.Store {
        volatile boolean reachable = true;
        volatile boolean forgotLease;
        final AtomicInteger grants = new AtomicInteger();
        final List<String> puts = new CopyOnWriteArrayList<>();
        final List<Long> revoked = new CopyOnWriteArrayList<>();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger reconnects = new AtomicInteger();

        @Override
        public long grant(String operation, long ttlSeconds, Duration budget) {
            requireReachable();
            forgotLease = false;
            return grants.incrementAndGet();
        }

        @Override
        public void renew(long id, Duration budget) {
            requireReachable();
            if (forgotLease) {
                throw new IllegalStateException("lease not found");
            }
        }

        @Override
        public void put(String key, String value, long id) {
            requireReachable();
            puts.add(id + ":" + key + "=" + value);
        }

        @Override
        public CompletableFuture<?> revoke(long id) {
            revoked.add(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean leaseGone(Throwable failure) {
            return String.valueOf(failure.getMessage()).contains("lease not found");
        }

        @Override
        public String describe(Throwable failure) {
            return failure.toString();
        }

        @Override
        public void beforeRetry() {
            retries.incrementAndGet();
        }

        @Override
        public void reconnected() {
            reconnects.incrementAndGet();
        }

        private void requireReachable() {
            if (!reachable) {
                throw new IllegalStateException("unreachable");
            }
        }
    }

    private final DaemonThreads threads = new DaemonThreads("hb", Duration.ofSeconds(5));
    private final ExecutorService lane = Executors.newSingleThreadExecutor();
    private final BlockingQueue<ConnectionState> seen = new LinkedBlockingQueue<>();
    private final FakeStore store = new FakeStore();
    private final HeartbeatLease lease;

    HeartbeatLeaseTest() {
        StateListeners states = new StateListeners("test", lane);
        states.add(seen::add);
        lease = new HeartbeatLease("test", store, states, threads, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        lease.close();
        lane.shutdownNow();
        threads.join();
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("governor-hb-")).count(), "close stops the heartbeat");
    }

    private ConnectionState next() throws InterruptedException {
        ConnectionState s = seen.poll(10, TimeUnit.SECONDS);
        assertTrue(s != null, "a state within 10 s");
        return s;
    }

    @Test
    void failedBeatSuspendsAndAnAnswerReconnectsOnTheSameLease() throws Exception {
        lease.start(Duration.ofSeconds(1));
        assertEquals(1, lease.leaseId());
        store.reachable = false;
        assertEquals(ConnectionState.SUSPENDED, next());
        store.reachable = true;
        assertEquals(ConnectionState.RECONNECTED, next());
        assertEquals(1, lease.leaseId(), "the lease survived");
        assertTrue(store.retries.get() >= 1, "the retry cut the reconnect backoff short first");
        assertEquals(1, store.reconnects.get());
        lease.close();
        assertEquals(List.of(1L), store.revoked, "close revokes the lease");
    }

    @Test
    void lostLeaseLosesHeldLocksAndPutsOwnedEphemeralsAgainUnderANewLease() throws Exception {
        lease.start(Duration.ofSeconds(1));
        lease.putEphemeral("/a", "1");
        lease.putEphemeral("/a", "2");
        lease.putEphemeral("/b", "x");
        lease.disown("/b");
        List<String> lost = new CopyOnWriteArrayList<>();
        FencedLease lock = lease.track("l", 7, lease.leaseId(), (l, released) -> { });
        lock.onLost(() -> lost.add("l"));

        store.forgotLease = true;
        assertEquals(ConnectionState.LOST, next());
        assertEquals(ConnectionState.RECONNECTED, next());
        assertEquals(2, lease.leaseId());
        assertTrue(store.puts.contains("2:/a=2"), () -> "the latest value re-put under the new lease: " + store.puts);
        assertFalse(store.puts.stream().anyMatch(p -> p.startsWith("2:/b")), "a disowned key is not re-put");
        assertEquals(List.of("l"), lost, "the held lock was lost");
        assertTrue(lease.track("m", 8, 1, (l, released) -> { }).isLost(), "a lock granted on the old lease is lost at once");
        assertEquals(List.of(1L), store.revoked, "the old lease is revoked");
    }

    @Test
    void noAnswerForAWholeTtlLosesTheLeaseAndRecoversOnceTheStoreIsBack() throws Exception {
        lease.start(Duration.ofSeconds(1));
        lease.putEphemeral("/a", "1");
        store.reachable = false;
        assertEquals(ConnectionState.SUSPENDED, next());
        assertEquals(ConnectionState.LOST, next());
        store.reachable = true;
        assertEquals(ConnectionState.RECONNECTED, next());
        assertEquals(2, lease.leaseId());
        assertTrue(store.puts.contains("2:/a=1"), store.puts::toString);
    }
}
