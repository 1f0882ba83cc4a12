package io.governor.core.memory;

import io.governor.api.repository.LockLease;

import java.util.ArrayList;
import java.util.List;

/**
 * A grant of a memory lock. Valid until closed or until its session is lost; thread-safe.
 */
final class MemoryLease implements LockLease {

    private final MemoryRepository owner;
    private final String name;
    private final String key;
    private final long token;
    private boolean valid = true; // guarded by this
    private boolean lost; // guarded by this
    private List<Runnable> callbacks = new ArrayList<>(); // guarded by this

    MemoryLease(MemoryRepository owner, String name, String key, long token) {
        this.owner = owner;
        this.name = name;
        this.key = key;
        this.token = token;
    }

    @Override
    public String name() {
        return name;
    }

    /** The full key of the lock in its store. */
    String key() {
        return key;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public synchronized boolean isValid() {
        return valid;
    }

    @Override
    public void onLost(Runnable callback) {
        synchronized (this) {
            if (!lost) {
                callbacks.add(callback);
                return;
            }
        }
        callback.run();
    }

    @Override
    public void close() {
        if (invalidate()) {
            owner.release(this);
        }
    }

    /** Marks the lease invalid without losing it; true if it was valid. */
    synchronized boolean invalidate() {
        boolean was = valid;
        valid = false;
        return was;
    }

    /** Marks a valid lease lost and hands back its callbacks to run; empty if it was no longer valid. */
    synchronized List<Runnable> markLost() {
        if (!valid) {
            return List.of();
        }
        valid = false;
        lost = true;
        List<Runnable> out = callbacks;
        callbacks = List.of();
        return out;
    }

    @Override
    public String toString() {
        return "lease of lock '" + name + "' (token " + token + ")";
    }
}
