package io.governor.repository.zookeeper;

import io.governor.api.repository.LockLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A held ZooKeeper lock: the ephemeral-sequential node that won, and its creation zxid as the
 * fencing token.
 *
 * <p>Thread-safe. States: held, then released ({@link #close()}) or lost ({@link #lost()}, on session
 * loss); both are final. Lost-callbacks run once, on the repository's state thread, or at once on
 * the registering thread when the lease is already lost.
 */
final class ZooKeeperLease implements LockLease {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperLease.class);

    private enum State { HELD, RELEASED, LOST }

    private final Locks locks;
    private final String name;
    private final String node;
    private final long fencingToken;
    private final List<Runnable> onLost = new ArrayList<>();
    private State state = State.HELD;

    ZooKeeperLease(Locks locks, String name, String node, long fencingToken) {
        this.locks = locks;
        this.name = name;
        this.node = node;
        this.fencingToken = fencingToken;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    String node() {
        return node;
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
                    onLost.add(callback);
                }
                return;
            }
        }
        run(callback);
    }

    /** Marks the lease lost (session loss) and runs the callbacks on the calling (state) thread. */
    void lost() {
        List<Runnable> callbacks;
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.LOST;
            callbacks = new ArrayList<>(onLost);
            onLost.clear();
        }
        log.warn("[{}] lock '{}' lost with its session (fencing token {})", locks.label(), name, fencingToken);
        callbacks.forEach(this::run);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.RELEASED) {
                return;
            }
            if (state == State.HELD) {
                state = State.RELEASED;
            }
            onLost.clear();
        }
        locks.release(this);
    }

    private void run(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("[{}] lock '{}': lost-callback threw", locks.label(), name, e);
        }
    }

    @Override
    public String toString() {
        return "LockLease{" + name + ", token=" + fencingToken + ", valid=" + isValid() + "}";
    }
}
