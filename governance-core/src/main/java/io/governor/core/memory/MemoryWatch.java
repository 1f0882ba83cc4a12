package io.governor.core.memory;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.ListenerWatch;

/**
 * A registered prefix watch of a {@link MemoryRepository}. Events are handed to it on the client's
 * watch thread; it drops those from revisions at or before its registration, those outside its
 * prefix and everything after {@link #close()} (see {@link ListenerWatch} for the close contract).
 */
final class MemoryWatch extends ListenerWatch {

    private final long since;

    MemoryWatch(String label, String prefix, WatchListener listener, long since) {
        super(label, prefix, listener);
        this.since = since;
    }

    /** Delivers {@code event} of store revision {@code revision} if it is for this watch. Watch thread only. */
    void deliver(long revision, ChangeEvent event) {
        if (revision > since) {
            deliver(event);
        }
    }
}
