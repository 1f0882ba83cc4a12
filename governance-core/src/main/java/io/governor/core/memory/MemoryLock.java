package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;

import java.time.Duration;
import java.util.Optional;

/** A named lock of a {@link MemoryRepository}, waiting in its store's lock table. Thread-safe. */
final class MemoryLock implements DistributedLock {

    private final MemoryRepository client;
    private final MemoryLocks table;
    private final Namespace namespace;
    private final String name;

    MemoryLock(MemoryRepository client, MemoryLocks table, Namespace namespace, String name) {
        this.client = client;
        this.table = table;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<LockLease> tryLock(Duration timeout) {
        String key = "/locks/" + name;
        client.checkUsable("tryLock", key);
        if (timeout == null || timeout.isNegative()) {
            throw namespace.error(ErrorCode.INVALID_ARGUMENT, "tryLock", key, "timeout must be zero or positive, got " + timeout);
        }
        try {
            return Optional.ofNullable(table.acquire(client, name, namespace.full(key), timeout.toNanos()));
        } catch (InterruptedException e) {
            throw GovernanceException.interrupted("tryLock '" + key + "' on memory repository '" + namespace.label() + "'", e);
        }
    }

    @Override
    public String toString() {
        return "memory lock '" + name + "'";
    }
}
