package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.governor.api.GovernanceException;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.support.HeartbeatLease;
import io.governor.api.repository.support.TimedRequests;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lock on etcd's lock service ({@code v3lockpb.Lock}) under {@code /locks/{name}} with the client's
 * lease; the fencing token is the lock key's create revision.
 *
 * <p>etcd names a waiter's key after the lease ({@code /locks/{name}/{leaseHex}}), so two attempts of
 * one client would share a key: the repository keeps one {@code EtcdLock} per name, whose gate (a fair
 * semaphore) admits one attempt at a time and stays taken while the grant is held (not reentrant). An
 * attempt first tries the uncontended case in one transaction ({@link #atOnce}), else waits for the
 * lock service's grant and reads the key back (a lease that expired meanwhile may leave the service
 * answering for a key that is gone). An attempt that times out or is interrupted cancels its call and
 * deletes its key ({@link #withdraw}), and again later while no attempt runs ({@link #sweep}). A zero
 * timeout makes one attempt that waits at most {@link #ONE_ATTEMPT} for the answer. Thread-safe.
 */
final class EtcdLock implements DistributedLock {

    /** How long a zero-timeout {@code tryLock} waits for the server's answer. */
    static final Duration ONE_ATTEMPT = Duration.ofMillis(300);
    /** How long a withdrawing {@code tryLock} spends deleting its waiter key before leaving it to the next attempt. */
    private static final Duration WITHDRAW_BUDGET = Duration.ofSeconds(1);
    /** When a withdrawn waiter key is deleted again (after the withdrawal, then after the previous sweep). */
    private static final Duration[] SWEEPS = {Duration.ofSeconds(1), Duration.ofSeconds(4)};

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLock.class);

    private final String name;
    private final String path;
    private final ByteSequence lockName;
    /** Admits one attempt or grant of this client at a time. */
    private final Semaphore gate = new Semaphore(1, true);
    private final Lock lockClient;
    private final KV kv;
    private final CallControl calls;
    private final TimedRequests requests;
    private final HeartbeatLease keeper;
    private final WatchThread timer;
    /** A release could not remove the lock key: the next attempt removes it first, instead of being handed it with its old token. */
    private volatile boolean staleKey;

    EtcdLock(String name, Keys keys, Lock lockClient, KV kv, CallControl calls, TimedRequests requests,
             HeartbeatLease keeper, WatchThread timer) {
        this.name = name;
        this.path = "/locks/" + name;
        this.lockName = keys.key(path);
        this.lockClient = lockClient;
        this.kv = kv;
        this.calls = calls;
        this.requests = requests;
        this.keeper = keeper;
        this.timer = timer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<LockLease> tryLock(Duration timeout) {
        requests.ensureOpen("lock", path);
        requests.checks().requireTimeout("lock", path, timeout);
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), ONE_ATTEMPT.toNanos());
        try {
            if (!gate.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            throw requests.interrupted("lock", path, e);
        }
        Optional<LockLease> lease = Optional.empty();
        try {
            lease = attempt(deadline);
            return lease;
        } finally {
            if (lease.isEmpty()) {
                gate.release(); // else held until the grant ends
            }
        }
    }

    private Optional<LockLease> attempt(long deadline) {
        for (boolean first = true; ; first = false) {
            long leaseId = keeper.leaseId();
            if (staleKey) {
                requests.idempotent("lock", path, () -> kv.delete(waiterKey(leaseId)));
                staleKey = false;
            }
            Optional<LockLease> uncontended = first ? atOnce(leaseId, deadline) : null;
            if (uncontended != null) {
                return uncontended;
            }
            CompletableFuture<LockResponse> call = lockClient.lock(lockName, leaseId);
            LockResponse response;
            try {
                response = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                withdraw(leaseId, "timed out", call, true);
                return Optional.empty();
            } catch (InterruptedException e) {
                withdraw(leaseId, "interrupted", call, true);
                throw requests.interrupted("lock", path, e);
            } catch (ExecutionException e) {
                withdraw(leaseId, "failed", null, true);
                requests.ensureOpen("lock", path);
                if (Failures.retryable(e) && System.nanoTime() < deadline) {
                    continue;
                }
                if (Failures.leaseNotFound(e)) {
                    if (!awaitNewLease(leaseId, deadline)) {
                        return Optional.empty();
                    }
                    continue;
                }
                throw requests.translate("lock", path, e);
            }
            ByteSequence key = response.getKey();
            List<KeyValue> kvs = requests.idempotent("lock", path, () -> kv.get(key)).getKvs();
            if (kvs.isEmpty() || kvs.get(0).getLease() != leaseId) {
                LOG.debug("[{}] lock '{}' granted with a key that is gone or on an old lease; trying again",
                        requests.where(), name);
                if (System.nanoTime() >= deadline) {
                    return Optional.empty();
                }
                continue;
            }
            return Optional.of(grant(key, kvs.get(0).getCreateRevision(), leaseId));
        }
    }

    private LockLease grant(ByteSequence key, long createRevision, long leaseId) {
        LockLease lease = keeper.track(name, createRevision, leaseId, (l, released) -> ended(key, released));
        LOG.debug("[{}] lock '{}' granted, fencing token {}", requests.where(), name, lease.fencingToken());
        return lease;
    }

    /**
     * The uncontended case in one round trip: one transaction queues this client's waiter key on the
     * lease unless it exists, and reads it and the queue's head. When the key is the head, the lock
     * is ours with the key's create revision from the same transaction. Otherwise the key stays
     * queued for the lock service call that follows, which reuses a key of the lease.
     *
     * @return the lease, or null to go on with the lock service (not the head, or the request failed:
     *         the lock service call then meets the same failure and handles it)
     */
    private Optional<LockLease> atOnce(long leaseId, long deadline) {
        ByteSequence key = waiterKey(leaseId);
        GetOption head = GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND).withLimit(1).build();
        ByteSequence queue = lockName.concat(Keys.bytes("/"));
        CompletableFuture<TxnResponse> call = kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, ByteSequence.EMPTY, PutOption.builder().withLeaseId(leaseId).build()),
                        Op.get(queue, head))
                .Else(Op.get(key, GetOption.DEFAULT), Op.get(queue, head))
                .commit();
        TxnResponse response;
        try {
            response = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            withdraw(leaseId, "interrupted", call, false);
            throw requests.interrupted("lock", path, e);
        } catch (TimeoutException | ExecutionException e) {
            call.cancel(true);
            return null;
        }
        List<GetResponse> gets = response.getGetResponses();
        long createRevision;
        if (response.isSucceeded()) {
            createRevision = response.getHeader().getRevision();
        } else {
            List<KeyValue> own = gets.get(0).getKvs();
            if (own.isEmpty() || own.get(0).getLease() != leaseId) {
                return null;
            }
            createRevision = own.get(0).getCreateRevision();
        }
        List<KeyValue> first = gets.get(gets.size() - 1).getKvs();
        if (first.isEmpty() || first.get(0).getCreateRevision() != createRevision || !first.get(0).getKey().equals(key)) {
            return null;
        }
        return Optional.of(grant(key, createRevision, leaseId));
    }

    /**
     * Takes this client's waiter out of the lock's queue: cancels its lock call, waits (briefly) until
     * the call in flight has ended - else a call issued but not yet served would land after the
     * removal and give the lock to this lease, held by nobody - then removes the key.
     *
     * @param inFlight the lock call or queueing transaction that was being waited for, or null
     * @param lockCall whether {@code inFlight} is a lock-service call (which can be cancelled)
     */
    private void withdraw(long leaseId, String why, CompletableFuture<?> inFlight, boolean lockCall) {
        com.google.protobuf.ByteString callName = com.google.protobuf.ByteString.copyFrom(lockName.getBytes());
        Duration budget = Collections.min(List.of(requests.requestTimeout(), WITHDRAW_BUDGET));
        boolean unsent = lockCall && inFlight != null && !inFlight.isDone();
        if (lockCall) {
            calls.cancelLock(callName, "tryLock " + why, unsent); // if sent, now; if not yet, on its way out
        }
        boolean interrupted = false;
        if (inFlight != null && !inFlight.isDone()) {
            try {
                inFlight.get(budget.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // restored after the key is removed
            } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                // ended (cancelled or failed), or still not served: the key removal below goes ahead
            }
        }
        if (unsent) {
            calls.forgetUnsent(callName);
        }
        try {
            requests.run("unlock", path, true, budget, () -> kv.delete(waiterKey(leaseId)));
        } catch (GovernanceException e) {
            staleKey = true;
            LOG.warn("[{}] could not withdraw the waiting key of lock '{}' ({}); the next attempt removes it",
                    requests.where(), name, e.getMessage());
        }
        timer.schedule(() -> sweep(leaseId, 0), SWEEPS[0]);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes a withdrawn waiter key again, when no attempt or grant of this client holds the gate
     * (one that does adopts or owns the key). The cancelled lock call may still be served after the
     * withdrawal: etcd's lock handler then puts the key on our lease and, its caller gone, leaves it
     * there, and every other client would wait behind it until this one closes. Asynchronous: starts
     * on the watch thread without blocking it; nothing runs once the repository is closed.
     */
    private void sweep(long leaseId, int round) {
        if (!gate.tryAcquire()) {
            return;
        }
        kv.delete(waiterKey(leaseId)).orTimeout(requests.requestTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((deleted, failure) -> {
                    gate.release();
                    if (failure != null) {
                        LOG.debug("[{}] deleting a withdrawn waiter of lock '{}' again failed: {}", requests.where(),
                                name, failure.toString());
                    }
                    if (round + 1 < SWEEPS.length) {
                        timer.schedule(() -> sweep(leaseId, round + 1), SWEEPS[round + 1]);
                    }
                });
    }

    /** Waits (polling, up to the deadline) for the heartbeat to replace a lost lease; false when the deadline passed. */
    private boolean awaitNewLease(long lostLease, long deadline) {
        while (keeper.leaseId() == lostLease) {
            requests.ensureOpen("lock", path);
            if (System.nanoTime() >= deadline) {
                return false;
            }
            requests.pause("lock", path, Duration.ofMillis(50));
        }
        return true;
    }

    /** The key etcd's lock service gives this client's waiter: {@code /locks/{name}/{leaseHex}}. */
    private ByteSequence waiterKey(long leaseId) {
        return lockName.concat(Keys.bytes("/" + Long.toHexString(leaseId)));
    }

    /** A grant ended: unlocks first if its holder released it (lost or dropped: the lease frees the key). Never throws. */
    private void ended(ByteSequence key, boolean released) {
        try {
            if (released) {
                requests.idempotent("unlock", path, () -> lockClient.unlock(key));
            }
        } catch (GovernanceException e) {
            LOG.warn("[{}] releasing lock '{}' failed ({}); deleting its key", requests.where(), name, e.getMessage());
            try {
                requests.idempotent("unlock", path, () -> kv.delete(key));
            } catch (GovernanceException again) {
                staleKey = true;
                LOG.warn("[{}] lock '{}' key stays until the lease ends: {}", requests.where(), name, again.getMessage());
            }
        } finally {
            gate.release();
        }
    }
}
