package io.governor.repository.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.options.PutOption;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.support.FencedLease;
import io.governor.api.repository.support.HeldLeases;
import io.governor.api.repository.support.OwnedEphemerals;
import io.governor.api.repository.support.StateListeners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client's one lease, its heartbeat, and everything bound to it: owned ephemerals and held locks.
 *
 * <p><b>Heartbeat.</b> Every third of the TTL the {@code governor-<namespace>-lease} thread sends one
 * keep-alive request and waits for its answer (at most a third of the TTL). There is no long-lived
 * keep-alive stream that could end without anyone noticing: each beat either gets a fresh answer or
 * fails, and the age of the last answer is compared with the TTL on every beat.
 *
 * <p><b>States.</b> A failed beat reports {@code SUSPENDED}; an answer after that reports
 * {@code RECONNECTED}. When the server says the lease is gone, or no answer came for a whole TTL,
 * the lease is lost: {@code LOST} is reported, every held lock lease turns invalid (its
 * {@code onLost} callbacks run), then - as soon as a server answers - a new lease is granted, every
 * owned ephemeral is put again with its latest value under the new lease, the old lease is revoked
 * (freeing lock keys the server may still keep) and {@code RECONNECTED} is reported. Until that works
 * the beat retries every half second, each time first cutting short gRPC's reconnect backoff
 * ({@link ChannelBackoff}): gRPC then connects at once and, while no server answers, backs off from 1 s
 * again, so the client is back within a second or two of a server.
 *
 * <p>Thread-safe. Ephemeral writes and the re-put after a loss are serialised by the lock of
 * {@link OwnedEphemerals}, so a re-put never resurrects a value that a later {@code putEphemeral} or
 * {@code delete} replaced.
 */
final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Lease lease;
    private final KV kv;
    private final Keys keys;
    private final Requests requests;
    private final StateListeners states;
    private final ScheduledExecutorService timer;
    private final Runnable afterReconnect;
    private final ChannelBackoff backoff;
    private final long ttlSeconds;
    private final long ttlNanos;

    private final OwnedEphemerals owned;
    private final Object recoveryLock = new Object();
    private final HeldLeases held = new HeldLeases();

    private volatile long leaseId;
    private volatile long lastAnswerNanos;
    private volatile boolean suspended;
    private volatile boolean lost;
    private volatile boolean closed;
    private long pendingLease;

    LeaseKeeper(Lease lease, KV kv, Keys keys, Requests requests, StateListeners states, ScheduledExecutorService timer,
                Duration ttl, Runnable afterReconnect, ChannelBackoff backoff) {
        this.lease = lease;
        this.kv = kv;
        this.keys = keys;
        this.requests = requests;
        this.states = states;
        this.timer = timer;
        this.ttlSeconds = ttl.toSeconds();
        this.ttlNanos = ttl.toNanos();
        this.afterReconnect = afterReconnect;
        this.backoff = backoff;
        this.owned = new OwnedEphemerals(requests.where());
    }

    /** Grants the first lease within {@code budget} and starts the heartbeat. */
    void start(Duration budget) {
        leaseId = grant("connect", budget);
        lastAnswerNanos = System.nanoTime();
        schedule(ttlNanos / 3);
    }

    /** The current lease id. */
    long leaseId() {
        return leaseId;
    }

    /** Creates or overwrites an ephemeral and remembers it; re-created after a lease loss. */
    void putEphemeral(String path, String value) {
        try {
            owned.put(path, value, (k, v) -> put(k, v, leaseId), e -> true);
        } catch (GovernanceException e) {
            if (!Failures.leaseNotFound(e.getCause() == null ? e : e.getCause())) {
                throw e;
            }
            loseLease("the server no longer knows lease " + Long.toHexString(leaseId));
            recover();
        }
    }

    /** Forgets the ephemerals at or below {@code path}, then runs {@code delete} while no re-put can interleave. */
    void forget(String path, Runnable delete) {
        owned.forget(path, delete);
    }

    /** Stops re-creating {@code path}: it was overwritten as a persistent key. */
    void disown(String path) {
        owned.disown(path);
    }

    /** Stops re-creating {@code path} and everything below it. */
    void disownAll(String path) {
        owned.forget(path);
    }

    /**
     * Holds the lease of a lock granted under lease {@code id}; if that lease is lost already (or
     * replaced), the lock lease is returned lost, and its {@code ending} has run.
     */
    FencedLease track(String name, long token, long id, FencedLease.Ending ending) {
        synchronized (recoveryLock) {
            return held.grant(name, token, lost || id != leaseId ? HeldLeases.STALE : held.epoch(), ending);
        }
    }

    /** Stops the heartbeat, invalidates held locks (no onLost) and revokes the lease, which removes every ephemeral and lock key. */
    void close() {
        closed = true;
        held.dropAll();
        long budget = suspended ? Math.min(requests.requestTimeout().toNanos(), RETRY_NANOS * 2)
                : requests.requestTimeout().toNanos();
        if (leaseId != 0 && !lost) {
            revokeOnClose(leaseId, budget);
        }
        synchronized (recoveryLock) {
            if (pendingLease != 0) {
                revokeOnClose(pendingLease, Math.min(budget, RETRY_NANOS * 2));
            }
        }
    }

    private void revokeOnClose(long id, long budgetNanos) {
        try {
            lease.revoke(id).get(budgetNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("[{}] revoking lease {} on close failed; it expires by itself: {}", requests.where(),
                    Long.toHexString(id), e.toString());
        }
    }

    private void beat() {
        if (closed) {
            return;
        }
        try {
            if (lost || suspended) {
                // No server answered the last beat: have gRPC try to connect now rather than when its
                // backoff, grown over the outage, next allows, so this beat can reach a server that is back.
                backoff.reset();
            }
            if (lost) {
                recover();
            } else {
                keepAlive();
            }
        } catch (RuntimeException e) {
            LOG.debug("[{}] lease heartbeat: {}", requests.where(), e.toString());
        } finally {
            if (!closed) {
                schedule(lost || suspended ? Math.min(RETRY_NANOS, ttlNanos / 3) : ttlNanos / 3);
            }
        }
    }

    private void keepAlive() {
        long id = leaseId;
        try {
            lease.keepAliveOnce(id).get(Math.max(1, ttlNanos / 3), TimeUnit.NANOSECONDS);
            lastAnswerNanos = System.nanoTime();
            if (suspended) {
                suspended = false;
                afterReconnect.run();
                states.report(ConnectionState.RECONNECTED, "keep-alive answered again; lease "
                        + Long.toHexString(id) + " is still alive; watches resume from their last revision");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (Failures.leaseNotFound(e)) {
                loseLease("the server expired lease " + Long.toHexString(id));
                recover();
                return;
            }
            if (!suspended) {
                suspended = true;
                states.report(ConnectionState.SUSPENDED, "keep-alive of lease " + Long.toHexString(id) + " failed ("
                        + Failures.describe(e) + ")");
            }
            if (System.nanoTime() - lastAnswerNanos >= ttlNanos) {
                loseLease("no keep-alive answer for longer than the lease TTL of " + ttlSeconds + "s");
                recover();
            }
        }
    }

    private void loseLease(String why) {
        int count;
        List<Runnable> callbacks;
        synchronized (recoveryLock) {
            if (lost || closed) {
                return;
            }
            lost = true;
            suspended = false;
            count = held.size();
            callbacks = held.loseAll();
        }
        states.report(ConnectionState.LOST, why + "; ephemerals are gone on the server and "
                + count + " lock lease(s) are lost");
        callbacks.forEach(states::run);
    }

    /** Grants a new lease and re-puts every owned ephemeral; throws (staying LOST) when the server cannot be reached. */
    private void recover() {
        synchronized (recoveryLock) {
            if (!lost || closed) {
                return;
            }
            if (pendingLease == 0) {
                pendingLease = grant("re-grant lease", requests.requestTimeout());
            }
            int count;
            try {
                count = owned.restoreAll((k, v) -> put(k, v, pendingLease), e -> false);
            } catch (GovernanceException failure) {
                if (Failures.leaseNotFound(failure.getCause() == null ? failure : failure.getCause())) {
                    pendingLease = 0;
                }
                throw failure;
            }
            long old = leaseId;
            leaseId = pendingLease;
            pendingLease = 0;
            lastAnswerNanos = System.nanoTime();
            lost = false;
            lease.revoke(old).exceptionally(t -> null);
            afterReconnect.run();
            states.report(ConnectionState.RECONNECTED, "new lease " + Long.toHexString(leaseId) + " granted, "
                    + count + " ephemeral(s) re-created, watches resume from their last revision");
        }
    }

    private long grant(String operation, Duration budget) {
        long id = requests.run(operation, "/", true, budget, () -> lease.grant(ttlSeconds)).getID();
        LOG.debug("[{}] granted lease {} with TTL {}s", requests.where(), Long.toHexString(id), ttlSeconds);
        return id;
    }

    private void put(String path, String value, long id) {
        PutOption option = PutOption.builder().withLeaseId(id).build();
        requests.idempotent("putEphemeral", path, () -> kv.put(keys.key(path), Keys.bytes(value), option));
    }

    private void schedule(long delayNanos) {
        try {
            timer.schedule(this::beat, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!closed) {
                throw new GovernanceException(ErrorCode.INTERNAL, "lease heartbeat of etcd repository "
                        + requests.where() + " could not be scheduled", e);
            }
        }
    }
}
