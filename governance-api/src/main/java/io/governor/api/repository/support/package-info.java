/**
 * Parts a repository backend can reuse instead of writing them again: the lock-lease state machine
 * with its fencing token and lost signal ({@link io.governor.api.repository.support.FencedLease},
 * {@link io.governor.api.repository.support.HeldLeases},
 * {@link io.governor.api.repository.support.NamedLock}), the owned ephemerals that are written
 * again after a session loss ({@link io.governor.api.repository.support.OwnedEphemerals}), and the
 * connection-state listeners with ordered delivery
 * ({@link io.governor.api.repository.support.StateListeners}).
 *
 * <p>Not for applications: these types carry no contract of their own beyond what their Javadoc
 * states, and may change with the SPI.
 */
package io.governor.api.repository.support;
