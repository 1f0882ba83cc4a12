package io.governor.api.repository.support;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection states reach every listener in order, on the delivery lane, past a listener that throws. */
class StateListenersTest {

    @Test
    void statesAndCallbacksArriveInOrderPastAThrowingListener() throws Exception {
        ExecutorService lane = Executors.newSingleThreadExecutor();
        StateListeners states = new StateListeners("test", lane);
        List<String> seen = new ArrayList<>(); // written on the lane only
        states.add(s -> {
            throw new IllegalStateException("ignored");
        });
        states.add(s -> seen.add(s.name()));
        assertNull(states.state());

        states.report(ConnectionState.SUSPENDED, "test");
        states.run(() -> seen.add("callback"));
        states.report(ConnectionState.RECONNECTED, "test");
        lane.shutdown();
        assertTrue(lane.awaitTermination(10, TimeUnit.SECONDS));

        assertEquals(List.of("SUSPENDED", "callback", "RECONNECTED"), seen);
        assertEquals(ConnectionState.RECONNECTED, states.state());
        states.report(ConnectionState.LOST, "closed: dropped, not thrown");
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        StateListeners states = new StateListeners("test", Runnable::run);
        List<ConnectionState> seen = new ArrayList<>();
        ConnectionStateListener listener = seen::add;
        states.add(listener);
        states.report(ConnectionState.SUSPENDED, "test");
        states.remove(listener);
        states.report(ConnectionState.RECONNECTED, "test");
        assertEquals(List.of(ConnectionState.SUSPENDED), seen);
        assertThrows(NullPointerException.class, () -> states.add(null));
    }
}
