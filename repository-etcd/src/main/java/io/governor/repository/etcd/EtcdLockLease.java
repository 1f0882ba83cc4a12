package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.governor.api.repository.LockLease;

import java.util.ArrayList;
import java.util.List;

/**
 * One grant of an {@link EtcdLock}: the lock key etcd's lock service returned (released with it),
 * the key's create revision as fencing token, and the lease it lives on. Thread-safe.
 */
final class EtcdLockLease implements LockLease {

    private enum State { HELD, CLOSED, LOST }

    private final EtcdLock lock;
    private final ByteSequence key;
    private final long token;
    private final List<Runnable> lostCallbacks = new ArrayList<>();
    private State state = State.HELD;

    EtcdLockLease(EtcdLock lock, ByteSequence key, long token) {
        this.lock = lock;
        this.key = key;
        this.token = token;
    }

    @Override
    public String name() {
        return lock.name();
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public synchronized boolean isValid() {
        return state == State.HELD;
    }

    @Override
    public void onLost(Runnable callback) {
        synchronized (this) {
            if (state != State.LOST) {
                if (state == State.HELD) {
                    lostCallbacks.add(callback);
                }
                return;
            }
        }
        callback.run();
    }

    /** Releases the lock with the key the lock call returned. Never throws; closing twice is harmless. */
    @Override
    public void close() {
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.CLOSED;
        }
        lock.release(this, key);
    }

    /** The lease that held this lock is gone: invalid now, callbacks run on the notify thread. */
    void markLost(Notifier notifier) {
        List<Runnable> callbacks;
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.LOST;
            callbacks = new ArrayList<>(lostCallbacks);
            lostCallbacks.clear();
        }
        lock.forget(this);
        callbacks.forEach(notifier::run);
    }

    /** The repository closed: invalid now, no callbacks (the lease revocation frees the key). */
    void invalidate() {
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.CLOSED;
            lostCallbacks.clear();
        }
        lock.forget(this);
    }

    @Override
    public String toString() {
        return "EtcdLockLease{" + name() + ", token=" + token + "}";
    }
}
