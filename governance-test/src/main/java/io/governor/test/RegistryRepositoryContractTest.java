package io.governor.test;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.Operation;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static io.governor.api.repository.ChangeEvent.Type.DELETED;
import static io.governor.api.repository.ChangeEvent.Type.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of a {@link RegistryRepository} on top of {@link RepositoryContractTest}: ephemerals
 * bound to the session and re-created after its loss, locks with fencing tokens, connection states.
 *
 * <p>A registry module supplies {@link #newRepository(String)} and {@link #expireSession}, which makes
 * the <em>backend</em> drop the client's session or lease (ZooKeeper: expire the session; etcd: revoke
 * the lease); the repository must notice and recover by itself.
 */
public abstract class RegistryRepositoryContractTest extends RepositoryContractTest {

    /** A short wait used where the lock is expected to stay unavailable. */
    protected static final Duration SHORT = Duration.ofMillis(200);

    @Override
    protected abstract RegistryRepository newRepository(String namespace) throws Exception;

    /**
     * Makes the backend lose {@code repository}'s session or lease now. The repository must then report
     * {@link ConnectionState#LOST}, invalidate its lock leases, re-create its ephemerals and report
     * {@link ConnectionState#RECONNECTED}, all by itself.
     */
    protected abstract void expireSession(RegistryRepository repository) throws Exception;

    @Override
    protected RegistryRepository client() {
        return (RegistryRepository) super.client();
    }

    @Override
    protected RegistryRepository client(String namespace) {
        return (RegistryRepository) super.client(namespace);
    }

    private void expire(RegistryRepository r) {
        try {
            expireSession(r);
        } catch (Exception e) {
            throw new AssertionError("expireSession failed", e);
        }
    }

    private Optional<String> valueOf(RegistryRepository r, String key) {
        return r.get(key).map(VersionedValue::value);
    }

    // ---- ephemerals ----------------------------------------------------------------------------

    @Test
    void ephemeralIsVisibleToAnotherClientAndRemovedWhenItsClientCloses() {
        RegistryRepository owner = client();
        RegistryRepository observer = client();
        EventRecorder events = new EventRecorder();
        observer.watch("/status", events);
        owner.putEphemeral("/status/me", "up");
        assertEquals(Optional.of("up"), valueOf(observer, "/status/me"));
        owner.putEphemeral("/status/me", "busy");
        assertEquals(Optional.of("busy"), valueOf(observer, "/status/me"), "putEphemeral overwrites");
        owner.close();
        awaitEvent(events, DELETED, "/status/me", null);
        assertEquals(Optional.empty(), observer.get("/status/me"));
    }

    @Test
    void ephemeralIsRecreatedAfterSessionExpiry() {
        RegistryRepository owner = client();
        RegistryRepository observer = client();
        StateRecorder states = new StateRecorder();
        owner.addConnectionStateListener(states);
        owner.putEphemeral("/status/me", "v1");
        owner.putEphemeral("/status/me", "v2");
        expire(owner);
        states.awaitSequence(awaitTimeout(), ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertEquals(Optional.of("v2"), valueOf(owner, "/status/me"),
                "re-created with the latest value by the time RECONNECTED is reported");
        Await.until(awaitTimeout(), "observer sees the re-created ephemeral",
                () -> valueOf(observer, "/status/me").equals(Optional.of("v2")));
    }

    @Test
    void deleteOfEphemeralStopsRecreation() {
        RegistryRepository owner = client();
        StateRecorder states = new StateRecorder();
        owner.addConnectionStateListener(states);
        owner.putEphemeral("/status/gone", "v");
        owner.putEphemeral("/status/kept", "v");
        owner.delete("/status/gone");
        expire(owner);
        states.awaitSequence(awaitTimeout(), ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertEquals(Optional.of("v"), valueOf(owner, "/status/kept"));
        assertEquals(Optional.empty(), owner.get("/status/gone"), "a deleted ephemeral is not re-created");
    }

    @Test
    void putCompareAndSetAndCommitOverAnOwnEphemeralMakeItPersistent() {
        RegistryRepository owner = client();
        RegistryRepository observer = client();
        boolean transactions = owner.capabilities().contains(Capability.TRANSACTION);
        StateRecorder states = new StateRecorder();
        owner.addConnectionStateListener(states);
        owner.putEphemeral("/status/put", "e1");
        owner.putEphemeral("/status/cas", "e1");
        owner.putEphemeral("/status/committed", "e1");
        owner.putEphemeral("/status/kept", "e1");
        owner.put("/status/put", "p2");
        assertTrue(owner.compareAndSet("/status/cas", "e1", "p2"));
        if (transactions) {
            assertTrue(owner.commit(List.of(Operation.put("/status/committed", "p2"))));
        }
        expire(owner);
        states.awaitSequence(awaitTimeout(), ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertEquals(Optional.of("e1"), valueOf(owner, "/status/kept"), "the untouched ephemeral is re-created");
        assertEquals(Optional.of("p2"), valueOf(owner, "/status/put"), "not re-created with its old value");
        assertEquals(Optional.of("p2"), valueOf(owner, "/status/cas"), "not re-created with its old value");
        if (transactions) {
            assertEquals(Optional.of("p2"), valueOf(owner, "/status/committed"), "not re-created with its old value");
        }
        owner.close();
        Await.until(awaitTimeout(), "the ephemeral that stayed one is gone with its client",
                () -> observer.get("/status/kept").isEmpty());
        assertEquals(Optional.of("p2"), valueOf(observer, "/status/put"), "persistent: outlives its writer");
        assertEquals(Optional.of("p2"), valueOf(observer, "/status/cas"), "persistent: outlives its writer");
        if (transactions) {
            assertEquals(Optional.of("p2"), valueOf(observer, "/status/committed"), "persistent: outlives its writer");
        }
    }

    @Test
    void removedConnectionStateListenerIsNotCalled() {
        RegistryRepository owner = client();
        StateRecorder removed = new StateRecorder();
        StateRecorder kept = new StateRecorder();
        owner.addConnectionStateListener(removed);
        owner.addConnectionStateListener(kept);
        owner.removeConnectionStateListener(removed);
        owner.removeConnectionStateListener(new StateRecorder());
        expire(owner);
        kept.awaitSequence(awaitTimeout(), ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertEquals(List.of(), removed.states());
    }

    @Test
    void watchConvergesAfterSessionExpiry() {
        EventRecorder events = changeAcrossExpiry("/conv", false).events();
        Map<String, String> expected = Map.of("/conv/b", "2", "/conv/c", "3", "/conv/d", "4");
        Await.value(awaitTimeout(), "the watcher's view converges to " + expected, () -> events.view("/conv"),
                expected::equals);
    }

    @Test
    void watchKeysReportsEveryKeyChangedAcrossSessionExpiry() {
        ExpiryRun run = changeAcrossExpiry("/convk", true);
        Map<String, ChangeEvent.Type> expected = Map.of("/convk/a", DELETED, "/convk/b", UPDATED, "/convk/c", ADDED,
                "/convk/d", ADDED);
        Await.value(awaitTimeout(), "the last event of each key changed since the expiry is " + expected, () -> {
            List<ChangeEvent> all = run.events().events();
            Map<String, ChangeEvent.Type> last = new java.util.TreeMap<>();
            for (ChangeEvent e : all.subList(run.beforeExpiry(), all.size())) {
                last.put(e.key(), e.type());
            }
            return last;
        }, last -> last.get("/convk/a") == DELETED && last.get("/convk/b") != null && last.get("/convk/b") != DELETED
                && last.get("/convk/c") != null && last.get("/convk/c") != DELETED
                && last.get("/convk/d") != null && last.get("/convk/d") != DELETED);
    }

    /** The events a watch received, and how many of them arrived before its session expired. */
    private record ExpiryRun(EventRecorder events, int beforeExpiry) {
    }

    /**
     * Watches {@code prefix} ({@code watchKeys} or {@code watch}), writes {@code a} and {@code b},
     * expires the watcher's session, then deletes {@code a}, updates {@code b} and adds {@code c}
     * while it recovers and {@code d} after it has.
     */
    private ExpiryRun changeAcrossExpiry(String prefix, boolean keysOnly) {
        RegistryRepository watcher = client();
        RegistryRepository writer = client();
        StateRecorder states = new StateRecorder();
        watcher.addConnectionStateListener(states);
        EventRecorder events = new EventRecorder();
        if (keysOnly) {
            BulkReads.of(watcher).watchKeys(prefix, events);
        } else {
            watcher.watch(prefix, events);
        }
        writer.put(prefix + "/a", "1");
        writer.put(prefix + "/b", "1");
        awaitEvent(events, ADDED, prefix + "/b", keysOnly ? null : "1");
        int before = events.events().size();
        expire(watcher);
        // changed while the watcher recovers: delivered live or re-synchronised, but never missed
        writer.delete(prefix + "/a");
        writer.put(prefix + "/b", "2");
        writer.put(prefix + "/c", "3");
        states.awaitSequence(awaitTimeout(), ConnectionState.LOST, ConnectionState.RECONNECTED);
        writer.put(prefix + "/d", "4");
        return new ExpiryRun(events, before);
    }

    // ---- locks ---------------------------------------------------------------------------------

    @Test
    void lockIsMutuallyExclusiveAcrossClients() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        DistributedLock lockA = a.lock("job");
        assertEquals("job", lockA.name());
        LockLease lease = lockA.tryLock(awaitTimeout()).orElseThrow(() -> new AssertionError("free lock not granted"));
        assertTrue(lease.isValid());
        assertEquals("job", lease.name());
        assertEquals(Optional.empty(), b.lock("job").tryLock(SHORT), "second client got a held lock");
        assertTrue(a.lock("other-job").tryLock(SHORT).isPresent(), "another lock name is independent");
        lease.close();
        assertFalse(lease.isValid(), "a closed lease is not valid");
        LockLease next = b.lock("job").tryLock(awaitTimeout()).orElseThrow(() -> new AssertionError("not granted after release"));
        assertTrue(next.fencingToken() > lease.fencingToken());
        next.close();
    }

    @Test
    void lockIsNotReentrant() {
        RegistryRepository a = client();
        try (LockLease held = a.lock("job").tryLock(awaitTimeout()).orElseThrow()) {
            assertTrue(held.isValid());
            assertEquals(Optional.empty(), a.lock("job").tryLock(SHORT), "a second grant to the same client while held");
        }
    }

    @Test
    void fencingTokensIncreaseStrictlyAcrossGrantsAndClients() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RegistryRepository r = i % 2 == 0 ? a : b;
            r.put("/unrelated/write", "w" + i);
            LockLease lease = r.lock("fenced").tryLock(awaitTimeout()).orElseThrow();
            tokens.add(lease.fencingToken());
            lease.close();
        }
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), () -> "tokens strictly increase: " + tokens);
        }
    }

    @Test
    void tryLockTimesOutAfterTheTimeout() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        try (LockLease held = a.lock("slow").tryLock(awaitTimeout()).orElseThrow()) {
            Duration timeout = Duration.ofMillis(700);
            long start = System.nanoTime();
            Optional<LockLease> got = b.lock("slow").tryLock(timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Optional.empty(), got);
            assertTrue(took.compareTo(timeout.minusMillis(50)) >= 0, () -> "gave up early, after " + took);
            assertTrue(took.compareTo(timeout.plusSeconds(5)) <= 0, () -> "gave up much too late, after " + took);
            long zeroStart = System.nanoTime();
            assertEquals(Optional.empty(), b.lock("slow").tryLock(Duration.ZERO), "a zero timeout tries once");
            assertTrue(System.nanoTime() - zeroStart < TimeUnit.SECONDS.toNanos(5), "a zero timeout does not wait");
            assertTrue(held.isValid());
        }
        assertTrue(b.lock("slow").tryLock(Duration.ZERO).isPresent(), "a free lock is granted with a zero timeout");
    }

    @Test
    void lockIsReleasedWhenHolderCloses() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        LockLease lease = a.lock("job").tryLock(awaitTimeout()).orElseThrow();
        a.close();
        assertFalse(lease.isValid(), "a lease of a closed repository is not valid");
        assertTrue(b.lock("job").tryLock(awaitTimeout()).isPresent(), "lock freed when its holder closed");
    }

    @Test
    void lockIsFreedWhenHoldersSessionIsLost() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        LockLease lease = a.lock("job").tryLock(awaitTimeout()).orElseThrow();
        AtomicInteger lostCallbacks = new AtomicInteger();
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        lease.onLost(() -> {
            callbackThread.set(Thread.currentThread());
            lostCallbacks.incrementAndGet();
        });
        expire(a);
        Await.until(awaitTimeout(), "lease invalid after session loss", () -> !lease.isValid());
        Await.until(awaitTimeout(), "onLost callback ran", () -> lostCallbacks.get() == 1);
        assertNotSame(Thread.currentThread(), callbackThread.get(), "onLost runs on a repository thread");
        LockLease next = b.lock("job").tryLock(awaitTimeout()).orElseThrow(() -> new AssertionError("lock not freed"));
        assertTrue(next.fencingToken() > lease.fencingToken(), "the new holder has a higher token");
        AtomicInteger late = new AtomicInteger();
        lease.onLost(late::incrementAndGet);
        assertEquals(1, late.get(), "onLost on a lost lease runs at once");
        lease.close();
        assertTrue(next.isValid(), "closing the lost lease does not release the new holder's lock");
        assertEquals(1, lostCallbacks.get(), "onLost runs once");
    }

    @Test
    void closingLeaseTwiceIsHarmless() {
        RegistryRepository a = client();
        RegistryRepository b = client();
        LockLease lease = a.lock("job").tryLock(awaitTimeout()).orElseThrow();
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(lost::incrementAndGet);
        lease.close();
        LockLease next = b.lock("job").tryLock(awaitTimeout()).orElseThrow();
        lease.close();
        assertTrue(next.isValid(), "a second close of an old lease does not release the next holder");
        assertEquals(Optional.empty(), a.lock("job").tryLock(SHORT), "the lock is still held by the next holder");
        assertEquals(0, lost.get(), "closing is not losing");
    }

    @Test
    void concurrentContendersNeverOverlap() throws Exception {
        RegistryRepository a = client();
        RegistryRepository b = client();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                RegistryRepository r = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        try (LockLease lease = r.lock("shared").tryLock(Duration.ofSeconds(60)).orElseThrow()) {
                            if (holders.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            tokens.add(lease.fencingToken());
                            r.put("/work/t" + thread, "i" + i);
                            holders.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(110, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overlaps.get(), "two contenders held the lock at once");
        assertEquals(40, tokens.size());
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), () -> "tokens increase in grant order: " + tokens);
        }
    }

    @Test
    void interruptWhileWaitingInTryLockGivesInterrupted() throws Exception {
        RegistryRepository a = client();
        RegistryRepository b = client();
        LockLease held = a.lock("job").tryLock(awaitTimeout()).orElseThrow();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicReference<Boolean> flagRestored = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(b.lock("job").tryLock(Duration.ofSeconds(60)));
            } catch (GovernanceException e) {
                flagRestored.set(Thread.currentThread().isInterrupted());
                outcome.set(e);
            }
        }, "contract-lock-waiter");
        waiter.setDaemon(true);
        waiter.start();
        Await.until(awaitTimeout(), "the waiter blocks in tryLock",
                () -> waiter.getState() == Thread.State.WAITING || waiter.getState() == Thread.State.TIMED_WAITING);
        waiter.interrupt();
        waiter.join(awaitTimeout().toMillis());
        assertFalse(waiter.isAlive(), "tryLock did not return after interrupt");
        assertTrue(outcome.get() instanceof GovernanceException, () -> "expected INTERRUPTED, got " + outcome.get());
        assertEquals(ErrorCode.INTERRUPTED, ((GovernanceException) outcome.get()).code());
        assertEquals(Boolean.TRUE, flagRestored.get(), "interrupt flag restored");
        held.close();
        LockLease again = a.lock("job").tryLock(awaitTimeout())
                .orElseThrow(() -> new AssertionError("the interrupted attempt was not withdrawn"));
        again.close();
    }

    /**
     * A waiter that gives up (interrupted at any moment, or a very short timeout) must leave no key
     * behind in the lock's queue: a lock call or queueing write still in flight when it was
     * withdrawn can land after the withdrawal, and the lock then goes to the departed waiter's lease,
     * held by nobody, until that client closes (seen on etcd).
     */
    @Test
    void waitersThatGiveUpAtAnyMomentLeaveTheLockFree() throws Exception {
        RegistryRepository holder = client();
        RegistryRepository waiter = client();
        for (int round = 0; round < 80; round++) {
            LockLease held = holder.lock("race").tryLock(awaitTimeout()).orElseThrow();
            if (round % 2 == 0) {
                Thread t = new Thread(() -> {
                    try {
                        waiter.lock("race").tryLock(Duration.ofSeconds(30));
                    } catch (GovernanceException expected) {
                        // INTERRUPTED
                    }
                });
                t.start();
                // Interrupt at a different moment each round (0 to 3 ms in), so that it lands before,
                // during and after the queueing write and the lock call.
                long until = System.nanoTime() + (round * 77_000L) % 3_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                t.interrupt();
                t.join(awaitTimeout().toMillis());
                assertFalse(t.isAlive(), "round " + round + ": the interrupted waiter returned");
            } else {
                assertFalse(waiter.lock("race").tryLock(Duration.ofMillis(round % 4 == 1 ? 0 : 5)).isPresent());
            }
            held.close();
            int r = round;
            LockLease again = holder.lock("race").tryLock(awaitTimeout())
                    .orElseThrow(() -> new AssertionError("round " + r + ": the lock stayed taken after the waiter gave up"));
            again.close();
        }
    }

    @Test
    void invalidLockNameIsRejected() {
        RegistryRepository a = client();
        for (String name : List.of("", "a/b", "..", "with space")) {
            assertError(ErrorCode.INVALID_ARGUMENT, () -> a.lock(name).tryLock(Duration.ZERO));
        }
    }

    @Test
    void registryOperationsAfterCloseThrowClosed() {
        RegistryRepository r = client();
        r.close();
        assertError(ErrorCode.CLOSED, () -> r.putEphemeral("/e", "v"));
        assertError(ErrorCode.CLOSED, () -> r.lock("job").tryLock(Duration.ZERO));
    }

    /** Records connection states in arrival order. */
    private static final class StateRecorder implements ConnectionStateListener {
        private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(ConnectionState state) {
            states.add(state);
        }

        List<ConnectionState> states() {
            return List.copyOf(states);
        }

        void awaitSequence(Duration timeout, ConnectionState... expected) {
            try {
                Await.until(timeout, "connection states " + List.of(expected) + " in order", () -> {
                    int next = 0;
                    for (ConnectionState s : states) {
                        if (next < expected.length && s == expected[next]) {
                            next++;
                        }
                    }
                    return next == expected.length;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; states seen: " + states, e.getCause());
            }
        }
    }
}
