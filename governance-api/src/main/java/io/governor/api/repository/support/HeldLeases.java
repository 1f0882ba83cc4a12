package io.governor.api.repository.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The lock leases one client holds in its current session, so that a session or lease loss can
 * mark them all lost, and the repository's close can drop or release them.
 *
 * <p>The <em>epoch</em> counts losses. An acquisition reads {@link #epoch()} before it starts and
 * passes it to {@link #grant}: a lease granted after a loss it raced with is lost at once, so no
 * valid lease is ever handed out for a session that is gone.
 *
 * <p>Thread-safe. Leases are ended, and their {@link FencedLease.Ending}s run, outside this
 * object's monitor, so an ending may take the backend's own locks.
 */
public final class HeldLeases {

    /** An epoch that never matches: the lease being granted is lost at once. */
    public static final long STALE = Long.MIN_VALUE;

    private final Set<FencedLease> held = new LinkedHashSet<>(); // guarded by this
    private long epoch; // guarded by this

    /** The number of losses so far; read it before an acquisition and pass it to {@link #grant}. */
    public synchronized long epoch() {
        return epoch;
    }

    /** The number of leases held now. */
    public synchronized int size() {
        return held.size();
    }

    /**
     * Creates the lease of a grant and holds it; its {@code ending} runs after it has left this set.
     * If a loss happened since {@code epoch} (or it is {@link #STALE}), the lease is returned lost.
     */
    public FencedLease grant(String name, long fencingToken, long epoch, FencedLease.Ending ending) {
        FencedLease lease = new FencedLease(name, fencingToken, (l, released) -> {
            remove(l);
            ending.ended(l, released);
        });
        synchronized (this) {
            if (epoch == this.epoch) {
                held.add(lease);
                return lease;
            }
        }
        lease.markLost(); // granted for a session that is gone; no callback registered yet
        return lease;
    }

    /**
     * The session is gone: starts a new epoch and marks every held lease lost. Returns their
     * callbacks, for the caller to run where its backend runs them.
     */
    public List<Runnable> loseAll() {
        List<Runnable> callbacks = new ArrayList<>();
        for (FencedLease lease : takeAll(true)) {
            callbacks.addAll(lease.markLost());
        }
        return callbacks;
    }

    /** Ends every held lease without releasing and without callbacks (the repository closes). */
    public void dropAll() {
        takeAll(false).forEach(FencedLease::drop);
    }

    /** Closes every held lease, which releases each lock (the repository closes). */
    public void closeAll() {
        takeAll(false).forEach(FencedLease::close);
    }

    private synchronized List<FencedLease> takeAll(boolean loss) {
        if (loss) {
            epoch++;
        }
        List<FencedLease> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    private synchronized void remove(FencedLease lease) {
        held.remove(lease);
    }
}
