package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;
import io.governor.api.repository.Watch;
import io.governor.test.Await;
import io.governor.test.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the memory repository does beyond the contract kit: its provider, stores and test hooks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryRepositoryTest {

    private final String store = "memory-test-" + UUID.randomUUID();
    private final List<Repository> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Repository::close);
        MemoryStore.drop(store);
    }

    private MemoryRepository client(String storeName, String namespace) {
        MemoryRepository r = (MemoryRepository) new MemoryRepositoryProvider().create(
                RepositoryConfig.builder("memory").serverLists(storeName).namespace(namespace).build());
        open.add(r);
        return r;
    }

    private MemoryRepository client(String namespace) {
        return client(store, namespace);
    }

    private static GovernanceException assertError(ErrorCode code, org.junit.jupiter.api.function.Executable call) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(code, e.code(), e::toString);
        return e;
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void serviceLoaderFindsTheMemoryProvider() {
        RepositoryProvider provider = ServiceLoader.load(RepositoryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("memory")).findFirst()
                .orElseThrow(() -> new AssertionError("no memory provider in META-INF/services"));
        assertInstanceOf(MemoryRepositoryProvider.class, provider);
        Repository r = provider.create(RepositoryConfig.builder("MEMORY").serverLists(store).build());
        open.add(r);
        assertInstanceOf(RegistryRepository.class, r);
        assertEquals("memory", r.type());
        assertEquals(java.util.EnumSet.allOf(io.governor.api.repository.Capability.class), r.capabilities(), "every capability");
    }

    @Test
    void clientsNamingTheSameStoreShareItAndOtherStoresAreIsolated() {
        client("ns").put("/k", "shared");
        assertEquals("shared", client("ns").get("/k").orElseThrow().value());
        String other = "memory-test-other-" + UUID.randomUUID();
        try {
            assertEquals(Optional.empty(), client(other, "ns").get("/k"));
        } finally {
            MemoryStore.drop(other);
        }
    }

    @Test
    void blankServerListsNameTheDefaultStore() {
        String key = "/memory-test/" + UUID.randomUUID();
        client("", "").put(key, "v");
        try {
            assertEquals("v", client(MemoryStore.DEFAULT, "").get(key).orElseThrow().value());
        } finally {
            client(MemoryStore.DEFAULT, "").delete(key);
        }
    }

    @Test
    void droppedStoreStartsEmptyForNewClients() {
        client("ns").put("/k", "v");
        MemoryStore.drop(store);
        assertEquals(Optional.empty(), client("ns").get("/k"));
    }

    @Test
    void unknownPropertyAndBadLimitAreRejected() {
        MemoryRepositoryProvider p = new MemoryRepositoryProvider();
        GovernanceException unknown = assertError(ErrorCode.INVALID_CONFIG,
                () -> p.create(RepositoryConfig.builder("memory").property("sessionTimout", "5s").build()));
        assertTrue(unknown.getMessage().contains("sessionTimout"), unknown::getMessage);
        assertError(ErrorCode.INVALID_CONFIG,
                () -> p.create(RepositoryConfig.builder("memory").property(MemoryRepositoryProvider.MAX_VALUE_BYTES, "0").build()));
    }

    @Test
    void maxValueBytesPropertyLimitsValues() {
        Repository r = new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory").serverLists(store)
                .property(MemoryRepositoryProvider.MAX_VALUE_BYTES, "4").build());
        open.add(r);
        assertEquals(4, r.maxValueBytes());
        r.put("/k", "\u00e9\u00e9");
        GovernanceException e = assertError(ErrorCode.VALUE_TOO_LARGE, () -> r.put("/k", "\u00e9\u00e9a"));
        assertTrue(e.getMessage().contains("memory"), e::getMessage);
    }

    @Test
    void suspendMakesOperationsUnavailableUntilResumeAndKeepsEphemerals() {
        MemoryRepository owner = client("ns");
        MemoryRepository observer = client("ns");
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        owner.addConnectionStateListener(states::add);
        owner.putEphemeral("/e", "v");
        owner.suspend();
        GovernanceException e = assertError(ErrorCode.UNAVAILABLE, () -> owner.get("/e"));
        assertTrue(e.getMessage().contains("get '/e' on memory repository 'ns'"), e::getMessage);
        assertError(ErrorCode.UNAVAILABLE, () -> owner.lock("job").tryLock(Duration.ZERO));
        assertEquals("v", observer.get("/e").orElseThrow().value(), "the session outlives a suspension");
        owner.resume();
        assertEquals("v", owner.get("/e").orElseThrow().value());
        Await.until("SUSPENDED then RECONNECTED", () -> states.equals(List.of(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED)));
    }

    @Test
    void expireSessionWhileSuspendedEndsTheSuspension() {
        MemoryRepository r = client("ns");
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        r.addConnectionStateListener(states::add);
        r.suspend();
        r.expireSession();
        r.put("/k", "usable again");
        Await.until("SUSPENDED, LOST, RECONNECTED", () -> states.equals(
                List.of(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED)));
    }

    @Test
    void expiryIsSeenByOtherClientsAsDeleteThenAdd() {
        MemoryRepository owner = client("ns");
        MemoryRepository observer = client("ns");
        EventRecorder events = new EventRecorder();
        observer.watch("/status", events);
        owner.putEphemeral("/status/me", "up");
        owner.expireSession();
        Await.until("ADDED, DELETED, ADDED", () -> events.eventsFor("/status/me").stream().map(e -> e.type().name())
                .toList().equals(List.of("ADDED", "DELETED", "ADDED")));
    }

    @Test
    void closeStopsTheWatchThread() {
        String ns = "close-" + UUID.randomUUID().toString().substring(0, 8);
        MemoryRepository r = client(ns);
        String thread = "governor-" + ns + "-watch";
        assertTrue(threadAlive(thread), "watch thread runs while open");
        r.close();
        assertFalse(threadAlive(thread), "watch thread left after close");
        assertError(ErrorCode.CLOSED, r::expireSession);
    }

    @Test
    void closeFromInsideAListenerReturns() {
        MemoryRepository r = client("ns");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        EventRecorder after = new EventRecorder();
        r.watch("/k", e -> {
            try {
                r.close();
            } catch (Throwable t) {
                failure.set(t);
            }
            after.onEvent(e);
        });
        r.put("/k", "v");
        after.await(ADDED, "/k");
        assertEquals(null, failure.get());
        assertError(ErrorCode.CLOSED, () -> r.get("/k"));
    }

    @Test
    void watchClosedInsideItsListenerGetsNoFurtherEvent() {
        MemoryRepository r = client("ns");
        EventRecorder self = new EventRecorder();
        EventRecorder probe = new EventRecorder();
        AtomicReference<Watch> handle = new AtomicReference<>();
        handle.set(r.watch("/k", e -> {
            self.onEvent(e);
            handle.get().close();
        }));
        r.watch("/k", probe);
        r.put("/k", "1");
        r.put("/k", "2");
        probe.await(io.governor.api.repository.ChangeEvent.Type.UPDATED, "/k", "2");
        assertEquals(1, self.events().size(), self::toString);
    }

    @Test
    void closingARepositoryEndsItsWaitingTryLockWithClosed() throws InterruptedException {
        MemoryRepository holder = client("ns");
        MemoryRepository waiter = client("ns");
        LockLease lease = holder.lock("job").tryLock(Duration.ZERO).orElseThrow();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set(waiter.lock("job").tryLock(Duration.ofSeconds(30)));
            } catch (GovernanceException e) {
                outcome.set(e.code());
            }
        }, "memory-test-waiter");
        t.start();
        Await.until("waiter parked", () -> t.getState() == Thread.State.TIMED_WAITING);
        waiter.close();
        t.join(10_000);
        assertEquals(ErrorCode.CLOSED, outcome.get());
        assertTrue(lease.isValid());
        lease.close();
        assertTrue(client("ns").lock("job").tryLock(Duration.ZERO).isPresent(), "the closed waiter left the queue");
    }

    @Test
    void lostLeaseCallbacksRunOnTheWatchThread() {
        MemoryRepository r = client("cb");
        LockLease lease = r.lock("job").tryLock(Duration.ZERO).orElseThrow();
        AtomicReference<String> thread = new AtomicReference<>();
        lease.onLost(() -> thread.set(Thread.currentThread().getName()));
        r.expireSession();
        assertFalse(lease.isValid());
        Await.until("onLost ran", () -> thread.get() != null);
        assertEquals("governor-cb-watch", thread.get());
    }

    @Test
    void lockHolderIsAnEphemeralKeyWhoseVersionIsTheFencingToken() {
        MemoryRepository holder = client("ns");
        MemoryRepository observer = client("ns");
        LockLease first = holder.lock("job").tryLock(Duration.ZERO).orElseThrow();
        assertEquals(first.fencingToken(), observer.get("/locks/job/holder").orElseThrow().version());
        first.close();
        assertEquals(Optional.empty(), observer.get("/locks/job/holder"), "released: holder key deleted");
        LockLease second = holder.lock("job").tryLock(Duration.ZERO).orElseThrow();
        assertEquals(second.fencingToken(), observer.get("/locks/job/holder").orElseThrow().version());
        holder.expireSession();
        assertEquals(Optional.empty(), observer.get("/locks/job/holder"), "lost: holder key gone, not re-created");
    }

    @Test
    void throwingConnectionStateListenerDoesNotStopOthers() {
        MemoryRepository r = client("ns");
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        r.addConnectionStateListener(s -> {
            throw new IllegalStateException("state listener failure expected by the test");
        });
        r.addConnectionStateListener(states::add);
        r.expireSession();
        Await.until("both states reported", () -> states.size() == 2);
    }
}
