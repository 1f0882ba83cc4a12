package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.support.FencedLease;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;

/**
 * The lock table of one {@link MemoryStore}: per lock, the current holder and a FIFO queue of
 * waiters. Guarded by the store lock; waiters park on a condition of it.
 *
 * <p>The holder is also visible in the store as the ephemeral key {@code /locks/{name}/holder} of its
 * session; the fencing token is the revision that wrote it (like an etcd lock key's create revision),
 * so tokens increase strictly across every grant of every lock.
 */
final class MemoryLocks {

    private static final class Entry {
        FencedLease holder;
        final ArrayDeque<Object> queue = new ArrayDeque<>();
    }

    private final MemoryStore store;
    private final Condition released;
    private final Map<String, Entry> table = new HashMap<>();

    MemoryLocks(MemoryStore store) {
        this.store = store;
        this.released = store.lock.newCondition();
    }

    /**
     * {@link io.governor.api.repository.DistributedLock#tryLock} of lock {@code name} for {@code client}:
     * checks the arguments, then waits in line.
     */
    Optional<LockLease> tryLock(MemoryRepository client, Namespace namespace, String name, Duration timeout) {
        String key = "/locks/" + name;
        client.checkUsable("tryLock", key);
        if (timeout == null || timeout.isNegative()) {
            throw namespace.error(ErrorCode.INVALID_ARGUMENT, "tryLock", key, "timeout must be zero or positive, got " + timeout);
        }
        try {
            return Optional.ofNullable(acquire(client, name, namespace.full(key), timeout.toNanos()));
        } catch (InterruptedException e) {
            throw GovernanceException.interrupted("tryLock '" + key + "' on memory repository '" + namespace.label() + "'", e);
        }
    }

    /**
     * Waits in line for the lock at {@code key} up to {@code timeoutNanos}.
     *
     * @return the new lease, or null when the time ran out
     * @throws InterruptedException when interrupted while waiting; the attempt is withdrawn
     */
    private FencedLease acquire(MemoryRepository client, String name, String key, long timeoutNanos) throws InterruptedException {
        store.lock.lock();
        try {
            Entry entry = table.computeIfAbsent(key, k -> new Entry());
            Object ticket = new Object();
            entry.queue.add(ticket);
            try {
                long left = timeoutNanos;
                while (true) {
                    client.checkUsable("tryLock", "/locks/" + name);
                    if (entry.holder == null && entry.queue.peek() == ticket) {
                        entry.queue.poll();
                        long token = store.put(holderKey(key), "session " + client.session(), client.session());
                        entry.holder = client.grant(name, key, token);
                        return entry.holder;
                    }
                    if (left <= 0) {
                        return null;
                    }
                    left = released.awaitNanos(left);
                }
            } finally {
                if (entry.queue.remove(ticket)) {
                    released.signalAll(); // the next in line may now be at the head
                }
                if (entry.holder == null && entry.queue.isEmpty()) {
                    table.remove(key, entry);
                }
            }
        } finally {
            store.lock.unlock();
        }
    }

    /** Frees the lock at {@code key} if {@code lease} still holds it. */
    void release(FencedLease lease, String key) {
        store.lock.lock();
        try {
            Entry entry = table.get(key);
            if (entry != null && entry.holder == lease) {
                entry.holder = null;
                store.deleteIfVersion(holderKey(key), lease.fencingToken());
                if (entry.queue.isEmpty()) {
                    table.remove(key);
                }
                released.signalAll();
            }
        } finally {
            store.lock.unlock();
        }
    }

    private static String holderKey(String lockKey) {
        return lockKey + "/holder";
    }

    /** Wakes every waiter so it re-checks its client (used when a client closes). */
    void wakeAll() {
        store.lock.lock();
        try {
            released.signalAll();
        } finally {
            store.lock.unlock();
        }
    }
}
