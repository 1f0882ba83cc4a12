package io.governor.api.repository;

import java.util.Collection;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A watch that keeps the values it watched and answers reads from them, without a request:
 * optional, implemented by a backend's {@link Watch} class where the backend's watch already holds
 * the values (etcd). Callers never check for it themselves but use
 * {@link #read(Watch, Collection, Collection)}, which is empty for any other watch.
 */
public interface LocalReads {

    /**
     * Answers a {@link BulkReads#readAll readAll} from what this watch has received, without a
     * request.
     *
     * <p><b>Result:</b> the same nodes {@code readAll(keys, parents)} would return, as of one moment
     * of the center: no older than the last event this watch has delivered or is delivering (a
     * listener calling it from {@code onEvent} sees that event's change), and one snapshot, so that
     * the changes of one transaction appear all or none. It may lag behind the center by the
     * watch's delivery delay, and during an outage it answers what was received before; a caller
     * that needs a read at least as new as a given write (its own included) uses
     * {@link BulkReads#readAll}.
     *
     * <p><b>Empty</b> after {@link Watch#close()}, when a key or parent is not at or below the
     * watch's {@link Watch#prefix()}, and whenever the implementation cannot answer at the moment
     * (for example on the first call, if it starts keeping values only then). A caller falls back to
     * {@link BulkReads#readAll}.
     *
     * <p><b>Thread safety and blocking:</b> safe from any thread, listeners included; never blocks
     * on the network. <b>Failure:</b> arguments are checked as {@code readAll} checks them
     * ({@code INVALID_ARGUMENT}).
     *
     * @param keys    nodes to read by key
     * @param parents nodes whose direct children to read ({@code /} allowed)
     * @return every node found, by full key, sorted; or empty (see above)
     */
    Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys, Collection<String> parents);

    /**
     * What {@code watch} answers locally: its {@link #readLocally} where it implements this
     * interface, empty for any other watch. The arguments are checked either way.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_ARGUMENT} as {@code readAll} throws it
     */
    static Optional<SortedMap<String, VersionedValue>> read(Watch watch, Collection<String> keys,
                                                             Collection<String> parents) {
        if (watch instanceof LocalReads local) {
            return local.readLocally(keys, parents);
        }
        Paths.requireReadAll(keys, parents);
        return Optional.empty();
    }
}
