package io.governor.test;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.RegistryRepository;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the connection states a repository reports, in arrival order, and awaits them. Thread-safe:
 * the repository reports on its own threads while the test reads.
 */
public final class StateRecorder implements ConnectionStateListener {

    private final List<ConnectionState> seen = new CopyOnWriteArrayList<>();

    /** A recorder listening to {@code repository}'s connection states from now on. */
    public static StateRecorder on(RegistryRepository repository) {
        StateRecorder recorder = new StateRecorder();
        repository.addConnectionStateListener(recorder);
        return recorder;
    }

    @Override
    public void stateChanged(ConnectionState state) {
        seen.add(state);
    }

    /** The states seen so far. */
    public List<ConnectionState> seen() {
        return List.copyOf(seen);
    }

    /** Waits until {@code expected} has been seen in this order (other states may come between). */
    public void awaitInOrder(Duration timeout, ConnectionState... expected) {
        Await.until(timeout, "connection states " + List.of(expected) + " in order (seen " + seen + ")", () -> {
            int next = 0;
            for (ConnectionState s : seen) {
                if (next < expected.length && s == expected[next]) {
                    next++;
                }
            }
            return next == expected.length;
        });
    }

    /** Waits until exactly {@code expected} has been seen, nothing else. */
    public void awaitExactly(Duration timeout, ConnectionState... expected) {
        Await.until(timeout, "connection states " + List.of(expected), () -> seen.equals(List.of(expected)));
    }
}
