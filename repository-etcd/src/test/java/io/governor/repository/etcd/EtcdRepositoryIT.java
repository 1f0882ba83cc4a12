package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.Operation;
import io.governor.api.repository.VersionedValue;
import io.governor.test.Await;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** etcd-specific behaviour beyond the contract kit: flat keyspace, request limits, snapshot reads, close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdRepositoryIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    private String namespace;
    private EtcdRepository repo;

    @BeforeEach
    void connect() {
        namespace = "it-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        repo = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        repo.close();
    }

    @Test
    void parentsAreDerivedFromDescendantsAndHoldNoValue() {
        repo.put("/a/b/c", "v");
        assertEquals(Optional.empty(), repo.get("/a/b"), "no key is written for a parent");
        assertEquals(List.of("b"), repo.children("/a"));
        repo.delete("/a/b/c");
        assertEquals(List.of(), repo.children("/a"), "a parent disappears with its last descendant");
    }

    @Test
    void compareAndSetOfValuesNearTheLimitComparesTheRevision() {
        String big = "x".repeat(repo.maxValueBytes());
        String other = "y".repeat(repo.maxValueBytes());
        repo.put("/big", big);
        assertTrue(repo.compareAndSet("/big", big, other), "expected + new value exceed one request: guarded by revision");
        assertEquals(other, repo.get("/big").map(VersionedValue::value).orElseThrow());
        assertFalse(repo.compareAndSet("/big", big, big), "a stale expected value still fails");
    }

    @Test
    void commitLargerThanOneRequestIsRefusedBeforeSending() {
        String big = "x".repeat(repo.maxValueBytes());
        GovernanceException e = assertThrows(GovernanceException.class, () -> repo.commit(List.of(
                Operation.put("/one", big), Operation.put("/two", big))));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code(), e::toString);
        assertTrue(e.getMessage().contains(String.valueOf(EtcdSettings.DEFAULT_MAX_REQUEST_BYTES)), e::getMessage);
        assertEquals(Optional.empty(), repo.get("/one"));
    }

    @Test
    void commitWithOverlappingWritesIsRefused() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> repo.commit(List.of(
                Operation.delete("/a"), Operation.put("/a/b", "v"))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e::toString);
        assertEquals(Optional.empty(), repo.get("/a/b"));
    }

    /**
     * A transaction the server would refuse (more writes than --max-txn-ops) fails before it is sent,
     * naming the count, the limit and the property, and writes nothing; at the limit it goes through.
     */
    @Test
    void commitBeyondTheTransactionLimitFailsWholeNamingTheLimit() {
        List<Operation> tooMany = new ArrayList<>();
        for (int i = 0; i < 129; i++) {
            tooMany.add(Operation.put(String.format("/big/k%03d", i), "v"));
        }
        GovernanceException e = assertThrows(GovernanceException.class, () -> repo.commit(tooMany));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code(), e::toString);
        assertTrue(e.getMessage().contains("129 write operation(s)") && e.getMessage().contains("at most 128")
                && e.getMessage().contains("maxTxnOps") && e.getMessage().contains("--max-txn-ops"), e.getMessage());
        assertEquals(List.of(), repo.children("/big"), "nothing was written");
        assertTrue(repo.commit(tooMany.subList(0, 128)), "128 writes are within the default limit");
        assertEquals(128, repo.children("/big").size());
    }

    /**
     * A writer commits three keys together, one of them a child read through a parent and one
     * beyond the first 128 (etcd's default --max-txn-ops) reads; every readAll must see all three at
     * the same commit. Separate reads (the default method) would see mixed commits.
     */
    @Test
    void readAllIsOneSnapshotAlsoBeyondOneTransaction() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            keys.add(String.format("/s/k%03d", i));
        }
        List<String> together = List.of("/s/k000", "/s/k139", "/s/dir/child");
        AtomicBoolean stop = new AtomicBoolean();
        try (EtcdRepository writer = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5))) {
            CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String value = String.valueOf(n);
                    writer.commit(together.stream().map(k -> Operation.put(k, value)).toList());
                }
            });
            Set<String> seen = new HashSet<>();
            try {
                while (seen.size() < 50) {
                    SortedMap<String, VersionedValue> read = BulkReads.of(repo).readAll(keys, List.of("/s/dir"));
                    Set<String> values = new HashSet<>();
                    together.forEach(k -> values.add(read.containsKey(k) ? read.get(k).value() : null));
                    assertEquals(1, values.size(), () -> "one commit's values, not a mix: " + read);
                    values.forEach(seen::add);
                    assertFalse(writes.isDone() && writes.isCompletedExceptionally(), "the writer failed");
                }
            } finally {
                stop.set(true);
            }
            writes.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void putOverAnOwnEphemeralMakesItPersistent() throws Exception {
        repo.putEphemeral("/status/me", "ephemeral");
        repo.put("/status/me", "persistent");
        repo.close();
        try (EtcdRepository other = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5))) {
            assertEquals(Optional.of("persistent"), other.get("/status/me").map(VersionedValue::value));
        }
    }

    @Test
    void closeRemovesEphemeralsAndStopsEveryRepositoryThread() {
        repo.putEphemeral("/status/me", "up");
        repo.watch("/", e -> { });
        assertTrue(threadsOf(namespace) > 0);
        repo.close();
        assertEquals(0, threadsOf(namespace), "governor-" + namespace + "-* threads left");
        try (EtcdRepository other = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5))) {
            assertEquals(Optional.empty(), other.get("/status/me"), "the lease was revoked on close");
        }
    }

    @Test
    void fencingTokenIsTheLockKeysCreateRevisionWhetherGrantedAtOnceOrAfterWaiting() throws Exception {
        ByteSequence queue = lockQueue("tok");
        try (Client raw = Client.builder().endpoints(ETCD.endpoints().split(",")).build();
             EtcdRepository other = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5))) {
            LockLease first = repo.lock("tok").tryLock(Duration.ofSeconds(5)).orElseThrow();
            List<KeyValue> held = raw.getKVClient().get(queue, GetOption.builder().isPrefix(true).build())
                    .get(5, TimeUnit.SECONDS).getKvs();
            assertEquals(1, held.size(), "one key: the holder's");
            assertEquals(held.get(0).getCreateRevision(), first.fencingToken(), "granted at once");

            CompletableFuture<LockLease> second = CompletableFuture.supplyAsync(
                    () -> other.lock("tok").tryLock(Duration.ofSeconds(20)).orElseThrow());
            KeyValue waiting = waiterOtherThan(raw, queue, first);
            first.close();
            LockLease next = second.get(20, TimeUnit.SECONDS);
            assertEquals(waiting.getCreateRevision(), next.fencingToken(), "granted after waiting");
            assertTrue(next.fencingToken() > first.fencingToken());
            next.close();
        }
    }

    /**
     * etcd's lock handler may serve a cancelled lock call after the waiter withdrew, put the waiter's
     * key back on its lease and leave it there. The withdrawn client deletes it again soon after, so
     * the lock does not stay with a client that no longer waits.
     */
    @Test
    void aWaiterKeyPutBackAfterTheWithdrawalIsRemovedAgain() throws Exception {
        try (Client raw = Client.builder().endpoints(ETCD.endpoints().split(",")).build();
             EtcdRepository other = TestClients.connect(ETCD.endpoints(), namespace, Duration.ofSeconds(5))) {
            LockLease first = repo.lock("late").tryLock(Duration.ofSeconds(5)).orElseThrow();
            ByteSequence queue = lockQueue("late");
            CompletableFuture<Optional<LockLease>> gaveUp = CompletableFuture.supplyAsync(
                    () -> other.lock("late").tryLock(Duration.ofSeconds(3)));
            KeyValue waiting = waiterOtherThan(raw, queue, first);
            assertEquals(Optional.empty(), gaveUp.get(20, TimeUnit.SECONDS), "the second client gave up");
            raw.getKVClient().put(waiting.getKey(), ByteSequence.EMPTY,
                    io.etcd.jetcd.options.PutOption.builder().withLeaseId(waiting.getLease()).build())
                    .get(5, TimeUnit.SECONDS); // what a late lock call does
            first.close();
            LockLease again = repo.lock("late").tryLock(Duration.ofSeconds(15))
                    .orElseThrow(() -> new AssertionError("the key put back after the withdrawal still holds the lock"));
            again.close();
        }
    }

    private ByteSequence lockQueue(String lock) {
        return ByteSequence.from("/" + namespace + "/locks/" + lock + "/", StandardCharsets.UTF_8);
    }

    /** The key of the lock queue {@code queue} that is not {@code holder}'s, once there is one. */
    private static KeyValue waiterOtherThan(Client raw, ByteSequence queue, LockLease holder) {
        return Await.value(Duration.ofSeconds(10), "the second client's waiting key", () -> {
            try {
                return raw.getKVClient().get(queue, GetOption.builder().isPrefix(true).build())
                        .get(5, TimeUnit.SECONDS).getKvs().stream()
                        .filter(kv -> kv.getCreateRevision() != holder.fencingToken()).findFirst();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long threadsOf(String namespace) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("governor-" + namespace + "-")).count();
    }

    /**
     * The history check behind a lost create's answer (GuardedWrite.Backend#createdSincePlan): a key
     * created and removed again between two revisions is found with the value it held, and only then.
     */
    @Test
    void aKeyCreatedAndRemovedBetweenTwoRevisionsIsFoundInTheHistory() throws Exception {
        try (io.etcd.jetcd.Client raw = io.etcd.jetcd.Client.builder().endpoints(ETCD.endpoints().split(",")).build()) {
            long before = revision(raw);
            repo.put("/h", "ours");
            repo.delete("/h");
            repo.put("/other", "x");
            long after = revision(raw);
            Transactions t = repo.transactions();
            byte[] ours = "ours".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(t.heldBetween("/h", ours, before, after));
            assertFalse(t.heldBetween("/h", "theirs".getBytes(java.nio.charset.StandardCharsets.UTF_8), before, after));
            assertFalse(t.heldBetween("/h", ours, after, after), "nothing happened after the second revision");
            io.governor.api.GovernanceException tooMany = org.junit.jupiter.api.Assertions.assertThrows(
                    io.governor.api.GovernanceException.class,
                    () -> t.heldBetween("/h", ours, 1, 1_000_000), "more revisions than one transaction reads");
            assertEquals(io.governor.api.ErrorCode.OUTCOME_UNKNOWN, tooMany.code(), tooMany::toString);
        }
    }

    private static long revision(io.etcd.jetcd.Client raw) throws Exception {
        return raw.getKVClient().get(io.etcd.jetcd.ByteSequence.from("/revision-probe", java.nio.charset.StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }
}
