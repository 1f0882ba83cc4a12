package io.governor.core;

import io.governor.api.event.StateEvent;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;

import java.time.Duration;
import java.util.Optional;

/** A lock that reports acquisition, release and loss to listeners. Thread-safe. */
final class ReportingLock implements DistributedLock {

    private final DistributedLock delegate;
    private final String namespace;
    private final Listeners listeners;

    ReportingLock(DistributedLock delegate, String namespace, Listeners listeners) {
        this.delegate = delegate;
        this.namespace = namespace;
        this.listeners = listeners;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Optional<LockLease> tryLock(Duration timeout) {
        Optional<LockLease> lease = delegate.tryLock(timeout);
        lease.ifPresent(l -> {
            listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name(), "ACQUIRED"));
            l.onLost(() -> listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name(), "LOST")));
        });
        return lease.map(Lease::new);
    }

    private final class Lease implements LockLease {
        private final LockLease delegate;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Lease(LockLease delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public long fencingToken() {
            return delegate.fencingToken();
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public void onLost(Runnable callback) {
            delegate.onLost(callback);
        }

        @Override
        public void close() {
            boolean wasValid = delegate.isValid();
            delegate.close();
            if (released.compareAndSet(false, true) && wasValid) {
                listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name(), "RELEASED"));
            }
        }
    }
}
