package io.governor.api.repository.support;

import io.governor.api.repository.LockLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state machine of a {@link LockLease}, for backends: a name, a fencing token, and three
 * states. A lease starts held and ends once, either closed (by its holder's {@link #close()}, or
 * {@link #drop() dropped} when the repository closes) or lost ({@link #markLost()}, when the
 * session or lease that held it is gone). Only a loss runs the {@link #onLost} callbacks.
 *
 * <p>How the lease ends is told once to its {@link Ending}, which frees the lock in the backend; it
 * runs on the thread that ended the lease, outside the lease's monitor.
 *
 * <p>Thread-safe; never blocks except in the {@link Ending}. Callbacks that throw are logged and
 * ignored.
 */
public final class FencedLease implements LockLease {

    private static final Logger log = LoggerFactory.getLogger(FencedLease.class);

    /** What the backend does when a lease ends. */
    @FunctionalInterface
    public interface Ending {
        /**
         * Called once when {@code lease} ends.
         *
         * @param released true when its holder closed it (free the lock now); false when it was lost
         *                 or dropped (the lock goes, or went, with the session)
         */
        void ended(FencedLease lease, boolean released);
    }

    private enum State { HELD, CLOSED, LOST }

    private final String name;
    private final long fencingToken;
    private final Ending ending;
    private final List<Runnable> callbacks = new ArrayList<>(); // guarded by this
    private State state = State.HELD; // guarded by this

    public FencedLease(String name, long fencingToken, Ending ending) {
        this.name = Objects.requireNonNull(name, "name");
        this.fencingToken = fencingToken;
        this.ending = Objects.requireNonNull(ending, "ending");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public synchronized boolean isValid() {
        return state == State.HELD;
    }

    /** Whether the lease was lost (not closed). */
    public synchronized boolean isLost() {
        return state == State.LOST;
    }

    /** Registers a callback for a loss; runs it at once on this thread if the lease is lost already. */
    @Override
    public void onLost(Runnable callback) {
        Runnable safe = guarded(Objects.requireNonNull(callback, "callback"));
        synchronized (this) {
            if (state != State.LOST) {
                if (state == State.HELD) {
                    callbacks.add(safe);
                }
                return;
            }
        }
        safe.run();
    }

    /** Releases the lock through the {@link Ending}; closing twice, or closing a lost lease, does nothing. */
    @Override
    public void close() {
        end(State.CLOSED, true);
    }

    /**
     * Marks a held lease lost and hands back its callbacks, for the caller to run where the backend
     * runs them (each one logs what it throws). Empty when the lease had ended already.
     */
    public List<Runnable> markLost() {
        return end(State.LOST, false);
    }

    /** Ends a held lease without releasing the lock and without callbacks (the repository closes). */
    public void drop() {
        end(State.CLOSED, false);
    }

    private List<Runnable> end(State next, boolean released) {
        List<Runnable> out;
        synchronized (this) {
            if (state != State.HELD) {
                return List.of();
            }
            state = next;
            out = next == State.LOST ? List.copyOf(callbacks) : List.of();
            callbacks.clear();
        }
        ending.ended(this, released);
        return out;
    }

    private Runnable guarded(Runnable callback) {
        return () -> {
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.warn("lock '{}' (fencing token {}): a lost-callback threw; ignored", name, fencingToken, e);
            }
        };
    }

    @Override
    public String toString() {
        return "LockLease{" + name + ", token=" + fencingToken + ", valid=" + isValid() + "}";
    }
}
