package io.governor.repository.zookeeper;

import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;

import java.time.Duration;
import java.util.Optional;

/**
 * A named lock of a {@link ZooKeeperRepository}; see {@link Locks} for the recipe. Stateless handle:
 * thread-safe, and any number of handles for the same name are the same lock.
 */
final class ZooKeeperLock implements DistributedLock {

    private final ZooKeeperRepository repository;
    private final String name;

    ZooKeeperLock(ZooKeeperRepository repository, String name) {
        this.repository = repository;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<LockLease> tryLock(Duration timeout) {
        return repository.tryLock(name, timeout);
    }

    @Override
    public String toString() {
        return "DistributedLock{" + name + "}";
    }
}
