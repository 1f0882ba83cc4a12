package io.governor.api.repository.support;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A repository's open watches, in the order they were added. A watch leaves the set when it is
 * closed, so the repository needs no callback of its own for that.
 *
 * <p>Thread-safe; iteration works on a snapshot and never throws a concurrent modification.
 *
 * @param <W> the backend's watch type
 */
public final class WatchSet<W extends ListenerWatch> implements Iterable<W> {

    private final List<W> watches = new CopyOnWriteArrayList<>();

    /** Adds {@code watch}; closing it removes it again. Returns it. */
    public W add(W watch) {
        watch.unregister(() -> watches.remove(watch));
        watches.add(watch);
        return watch;
    }

    /** What makes a watch ready, e.g. its first read of the prefix. */
    @FunctionalInterface
    public interface Start<E extends Exception> {
        void run() throws E;
    }

    /**
     * Adds {@code watch} and runs {@code start}; if that throws, closes the watch (so it leaves the
     * set again) and rethrows. Returns the watch. Blocks as {@code start} does.
     */
    public <E extends Exception> W open(W watch, Start<E> start) throws E {
        add(watch);
        try {
            start.run();
        } catch (Exception e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    /** Whether no watch is open. */
    public boolean isEmpty() {
        return watches.isEmpty();
    }

    /** The open watches now, in the order they were added. */
    public List<W> list() {
        return List.copyOf(watches);
    }

    /** Iterates over a snapshot of the open watches. */
    @Override
    public Iterator<W> iterator() {
        return watches.iterator();
    }

    /** Closes every open watch (each waits for its delivery in progress, see {@link ListenerWatch#close()}). */
    public void closeAll() {
        for (W w : watches) {
            w.close();
        }
    }
}
