/**
 * Reusable parts for implementing a {@link io.governor.api.repository.Repository} backend, so that a
 * new backend writes only what is particular to its store.
 *
 * <ul>
 *   <li>{@link io.governor.api.repository.support.PrefixView}: the values and versions of the keys
 *       below a watched prefix, the events that take it to a new state, and the diff against a full
 *       read after a reconnect, session expiry or compaction (the missed events).</li>
 *   <li>{@link io.governor.api.repository.support.ListenerWatch}: a {@code Watch} that hands events
 *       to its listener one at a time, logs what the listener throws, and keeps the close contract
 *       (no event once {@code close()} returns, except from within the listener).</li>
 *   <li>{@link io.governor.api.repository.support.WatchSet}: a repository's open watches.</li>
 *   <li>{@link io.governor.api.repository.support.WatchThread}: the repository's one
 *       {@code governor-<namespace>-watch} thread that reads for its watches and delivers their
 *       events in order.</li>
 *   <li>{@link io.governor.api.repository.support.DaemonThreads}: the repository's other named
 *       daemon threads, stopped and joined on close.</li>
 *   <li>{@link io.governor.api.repository.support.FencedLease},
 *       {@link io.governor.api.repository.support.HeldLeases},
 *       {@link io.governor.api.repository.support.NamedLock}: the lock-lease state machine with its
 *       fencing token and lost signal.</li>
 *   <li>{@link io.governor.api.repository.support.HeartbeatLease}: a lease kept alive by a
 *       heartbeat, with its connection states, its owned ephemerals and held locks.</li>
 *   <li>{@link io.governor.api.repository.support.OwnedEphemerals}: the owned ephemerals written
 *       again after a session or lease loss.</li>
 *   <li>{@link io.governor.api.repository.support.StateListeners}: connection-state listeners
 *       with ordered delivery.</li>
 * </ul>
 *
 * <p>These are implementation aids for backends, not part of what an application calls.
 */
package io.governor.api.repository.support;
