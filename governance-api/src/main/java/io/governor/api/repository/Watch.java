package io.governor.api.repository;

import java.util.Collection;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A registered prefix watch. Closing it stops delivery: once {@link #close()} returns, the listener
 * receives no further event (an event whose delivery had already begun finishes first, unless
 * close is called from within the listener itself).
 *
 * <p>Thread-safe; closing twice is harmless.
 */
public interface Watch extends AutoCloseable {

    /** The watched prefix. */
    String prefix();

    /**
     * Answers a {@link Repository#readAll readAll} from what this watch has received, without a
     * request, where the implementation keeps the watched values; empty where it does not.
     *
     * <p><b>Result:</b> the same nodes {@code readAll(keys, parents)} would return, as of one moment
     * of the center: no older than the last event this watch has delivered or is delivering (a
     * listener calling it from {@code onEvent} sees that event's change), and one snapshot, so that
     * the changes of one transaction appear all or none. It may lag behind the center by the
     * watch's delivery delay, and during an outage it answers what was received before; a caller
     * that needs a read at least as new as a given write (its own included) uses
     * {@link Repository#readAll}.
     *
     * <p><b>Empty</b> where the implementation keeps no values (this default), after
     * {@link #close()}, when a key or parent is not at or below {@link #prefix()}, and whenever the
     * implementation cannot answer at the moment (for example on the first call, if it starts
     * keeping values only then). A caller falls back to {@link Repository#readAll}.
     *
     * <p><b>Thread safety and blocking:</b> safe from any thread, listeners included; never blocks
     * on the network. <b>Failure:</b> arguments are checked as {@code readAll} checks them
     * ({@code INVALID_ARGUMENT}).
     *
     * @param keys    nodes to read by key
     * @param parents nodes whose direct children to read ({@code /} allowed)
     * @return every node found, by full key, sorted; or empty (see above)
     */
    default Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys, Collection<String> parents) {
        Paths.requireReadAll(keys, parents);
        return Optional.empty();
    }

    @Override
    void close();
}
