package io.governor.api.repository.support;

import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link DistributedLock} handle that hands each attempt to its repository: stateless, so any
 * number of handles for the same name are the same lock. Thread-safe if the repository is; blocks
 * and fails as the repository's acquisition does.
 */
public final class NamedLock implements DistributedLock {

    /** One acquisition attempt of the repository (see {@link DistributedLock#tryLock}). */
    @FunctionalInterface
    public interface Acquisition {
        Optional<LockLease> tryLock(String name, Duration timeout);
    }

    private final String name;
    private final Acquisition acquisition;

    public NamedLock(String name, Acquisition acquisition) {
        this.name = Objects.requireNonNull(name, "name");
        this.acquisition = Objects.requireNonNull(acquisition, "acquisition");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<LockLease> tryLock(Duration timeout) {
        return acquisition.tryLock(name, timeout);
    }

    @Override
    public String toString() {
        return "DistributedLock{" + name + "}";
    }
}
