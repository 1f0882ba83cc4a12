package io.governor.core;

import io.governor.api.event.StateEvent;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.support.NamedLock;

import java.util.concurrent.atomic.AtomicBoolean;

/** Locks that report acquisition, release and loss to listeners. */
final class ReportingLock {

    private ReportingLock() {
    }

    /** Wraps {@code delegate} so that its grants, releases and losses reach {@code listeners}. Thread-safe. */
    static DistributedLock of(DistributedLock delegate, String namespace, Listeners listeners) {
        return new NamedLock(delegate.name(), (name, timeout) -> delegate.tryLock(timeout).map(lease -> {
            listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name, "ACQUIRED"));
            lease.onLost(() -> listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name, "LOST")));
            return new Lease(lease, () -> listeners.state(new StateEvent(namespace, StateEvent.Kind.LOCK, name, "RELEASED")));
        }));
    }

    /** A lease that reports its first close while it was still valid. */
    private static final class Lease implements LockLease {
        private final LockLease delegate;
        private final Runnable released;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(LockLease delegate, Runnable released) {
            this.delegate = delegate;
            this.released = released;
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
            if (closed.compareAndSet(false, true) && wasValid) {
                released.run();
            }
        }
    }
}
