package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client's one lease on a store that keeps a lease while the client renews it within its TTL
 * (etcd leases, Consul sessions), its heartbeat, and what is bound to it: owned ephemerals
 * ({@link OwnedEphemerals}) and held lock leases ({@link HeldLeases}). The store's own calls are
 * behind {@link Store}.
 *
 * <p><b>Heartbeat.</b> Every third of the TTL the heartbeat thread (role {@code lease} of the
 * repository's {@link DaemonThreads}) sends one renewal and waits for its answer (at most a third of
 * the TTL). There is no long-lived renewal stream that could end without anyone noticing: each beat
 * either gets a fresh answer or fails, and the age of the last answer is compared with the TTL on
 * every beat.
 *
 * <p><b>States.</b> A failed beat reports {@code SUSPENDED}; an answer after that reports
 * {@code RECONNECTED}. When the store says the lease is gone, or no answer came for a whole TTL,
 * the lease is lost: {@code LOST} is reported, every held lock lease turns invalid (its
 * {@code onLost} callbacks run), then - as soon as the store answers - a new lease is granted, every
 * owned ephemeral is put again with its latest value under the new lease, the old lease is revoked
 * (freeing lock keys the store may still keep) and {@code RECONNECTED} is reported. Until that works
 * the beat retries every half second, each time first calling {@link Store#beforeRetry}.
 *
 * <p>Thread-safe. Ephemeral writes and the re-put after a loss are serialised by the lock of
 * {@link OwnedEphemerals}, so a re-put never resurrects a value that a later {@link #putEphemeral}
 * or {@link #forget} replaced. {@link #putEphemeral} and {@link #close} block for the store's calls;
 * failures of the store reach the caller of {@link #start} and {@link #putEphemeral} as the store
 * threw them, and are logged, not thrown, on the heartbeat.
 */
public final class HeartbeatLease {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatLease.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** The store's calls. Each blocks up to the budget given, or up to the store's request timeout. */
    public interface Store {
        /** Grants a lease of {@code ttlSeconds} and returns its id. */
        long grant(String operation, long ttlSeconds, Duration budget);

        /** Renews lease {@code id} once; throws when no answer came within {@code budget} or the store refused. */
        void renew(long id, Duration budget) throws Exception;

        /** Writes {@code key} as an ephemeral bound to lease {@code id}. */
        void put(String key, String value, long id);

        /** Starts revoking lease {@code id}; the future ends when the store answered. */
        CompletableFuture<?> revoke(long id);

        /** Whether {@code failure} (of any call above) says the lease no longer exists in the store. */
        boolean leaseGone(Throwable failure);

        /** A short description of a failed renewal, for the {@code SUSPENDED} report. */
        String describe(Throwable failure);

        /** Called before each retry while the store cannot be reached (e.g. to cut a reconnect backoff short). */
        void beforeRetry();

        /** Called when the store answers again, before {@code RECONNECTED} is reported (e.g. to resume watches). */
        void reconnected();
    }

    private final String label;
    private final Store store;
    private final StateListeners states;
    private final DaemonThreads threads;
    private final ScheduledExecutorService timer;
    private final long ttlSeconds;
    private final long ttlNanos;
    private final Duration requestTimeout;

    private final OwnedEphemerals owned;
    private final Object recoveryLock = new Object();
    private final HeldLeases held = new HeldLeases();

    private volatile long leaseId;
    private volatile long lastAnswerNanos;
    private volatile boolean suspended;
    private volatile boolean lost;
    private volatile boolean closed;
    private long pendingLease; // guarded by recoveryLock

    /**
     * @param label          the repository's label, for log lines
     * @param threads        the repository's threads, of which this makes one, {@code lease}, that beats
     * @param ttl            the lease's TTL, whole seconds
     * @param requestTimeout the budget of one request, for the re-grant and the revocation on close
     */
    public HeartbeatLease(String label, Store store, StateListeners states, DaemonThreads threads, Duration ttl,
                          Duration requestTimeout) {
        this.label = label;
        this.store = store;
        this.states = states;
        this.threads = threads;
        this.timer = threads.single("lease");
        this.ttlSeconds = ttl.toSeconds();
        this.ttlNanos = ttl.toNanos();
        this.requestTimeout = requestTimeout;
        this.owned = new OwnedEphemerals(label);
    }

    /** Grants the first lease within {@code budget} and starts the heartbeat. */
    public void start(Duration budget) {
        leaseId = store.grant("connect", ttlSeconds, budget);
        lastAnswerNanos = System.nanoTime();
        schedule(ttlNanos / 3);
    }

    /** The current lease id. */
    public long leaseId() {
        return leaseId;
    }

    /** Creates or overwrites an ephemeral and owns it: it is put again under a new lease after a loss. */
    public void putEphemeral(String key, String value) {
        try {
            owned.put(key, value, (k, v) -> store.put(k, v, leaseId), e -> true);
        } catch (RuntimeException e) {
            if (!store.leaseGone(e)) {
                throw e;
            }
            loseLease("the server no longer knows lease " + Long.toHexString(leaseId));
            recover();
        }
    }

    /** Forgets the ephemerals at or below {@code key}, then runs {@code delete} while no re-put can interleave. */
    public void forget(String key, Runnable delete) {
        owned.forget(key, delete);
    }

    /** Stops re-creating {@code key}: it was overwritten as a persistent key. */
    public void disown(String key) {
        owned.disown(key);
    }

    /** Stops re-creating {@code key} and everything below it. */
    public void disownAll(String key) {
        owned.forget(key);
    }

    /**
     * Holds the lease of a lock granted under lease {@code id}; if that lease is lost already (or
     * replaced), the lock lease is returned lost, and its {@code ending} has run.
     */
    public FencedLease track(String name, long token, long id, FencedLease.Ending ending) {
        synchronized (recoveryLock) {
            return held.grant(name, token, lost || id != leaseId ? HeldLeases.STALE : held.epoch(), ending);
        }
    }

    /**
     * Stops the heartbeat (waiting for a running beat), invalidates held locks (no onLost) and revokes
     * the lease, which removes every ephemeral and lock key; a lease that cannot be revoked in time
     * expires by itself.
     */
    public void close() {
        closed = true;
        threads.stop(timer, false);
        held.dropAll();
        long budget = suspended ? Math.min(requestTimeout.toNanos(), RETRY_NANOS * 2) : requestTimeout.toNanos();
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
            store.revoke(id).get(budgetNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("[{}] revoking lease {} on close failed; it expires by itself: {}", label,
                    Long.toHexString(id), e.toString());
        }
    }

    private void beat() {
        if (closed) {
            return;
        }
        try {
            if (lost || suspended) {
                store.beforeRetry(); // so that this beat can reach a store that is back
            }
            if (lost) {
                recover();
            } else {
                renew();
            }
        } catch (RuntimeException e) {
            LOG.debug("[{}] lease heartbeat: {}", label, e.toString());
        } finally {
            if (!closed) {
                schedule(lost || suspended ? Math.min(RETRY_NANOS, ttlNanos / 3) : ttlNanos / 3);
            }
        }
    }

    private void renew() {
        long id = leaseId;
        try {
            store.renew(id, Duration.ofNanos(Math.max(1, ttlNanos / 3)));
            lastAnswerNanos = System.nanoTime();
            if (suspended) {
                suspended = false;
                store.reconnected();
                states.report(ConnectionState.RECONNECTED, "keep-alive answered again; lease "
                        + Long.toHexString(id) + " is still alive; watches resume from their last revision");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (store.leaseGone(e)) {
                loseLease("the server expired lease " + Long.toHexString(id));
                recover();
                return;
            }
            if (!suspended) {
                suspended = true;
                states.report(ConnectionState.SUSPENDED, "keep-alive of lease " + Long.toHexString(id) + " failed ("
                        + store.describe(e) + ")");
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

    /** Grants a new lease and re-puts every owned ephemeral; throws (staying LOST) when the store cannot be reached. */
    private void recover() {
        synchronized (recoveryLock) {
            if (!lost || closed) {
                return;
            }
            if (pendingLease == 0) {
                pendingLease = store.grant("re-grant lease", ttlSeconds, requestTimeout);
            }
            int count;
            try {
                count = owned.restoreAll((k, v) -> store.put(k, v, pendingLease), e -> false);
            } catch (RuntimeException failure) {
                if (store.leaseGone(failure)) {
                    pendingLease = 0;
                }
                throw failure;
            }
            long old = leaseId;
            leaseId = pendingLease;
            pendingLease = 0;
            lastAnswerNanos = System.nanoTime();
            lost = false;
            store.revoke(old).exceptionally(t -> null);
            store.reconnected();
            states.report(ConnectionState.RECONNECTED, "new lease " + Long.toHexString(leaseId) + " granted, "
                    + count + " ephemeral(s) re-created, watches resume from their last revision");
        }
    }

    private void schedule(long delayNanos) {
        try {
            timer.schedule(this::beat, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw new GovernanceException(ErrorCode.INTERNAL, "lease heartbeat of " + label
                        + " could not be scheduled", e);
            }
        }
    }
}
