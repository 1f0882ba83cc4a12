package io.governor.api.repository;

/**
 * Receives the changes of a watched prefix.
 *
 * <p>Contract: called on a repository-owned thread, never on the thread that registered it, one
 * event at a time, in order per key. It should return quickly and must not block on the same
 * repository's watch delivery. An exception it throws is logged by the repository and delivery
 * goes on with the next event.
 */
@FunctionalInterface
public interface WatchListener {
    void onEvent(ChangeEvent event);
}
