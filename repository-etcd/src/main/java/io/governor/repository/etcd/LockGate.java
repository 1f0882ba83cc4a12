package io.governor.repository.etcd;

import java.util.concurrent.Semaphore;

/**
 * Per client and lock name: admits one lock attempt or grant at a time (etcd names a waiter's key
 * after the client's lease, so two attempts of one client would share a key), and remembers when a
 * release could not remove the lock key, so the next attempt removes it first instead of being
 * handed the stale key with its old fencing token. Thread-safe.
 */
final class LockGate {

    final Semaphore permit = new Semaphore(1, true);
    volatile boolean staleKey;
}
