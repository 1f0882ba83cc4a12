package io.governor.repository.etcd;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.VersionedValue;
import io.governor.test.EventRecorder;
import io.governor.test.StateRecorder;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The only etcd server stops and starts again. The lease TTL (15 s) leaves room for the restart:
 * the client notices the outage after up to two thirds of the TTL (a beat every third, each waiting a
 * third for its answer), then the server must start and the client reconnect (within a second or two
 * of the server, see {@code ChannelBackoff}) before the TTL is up.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdServerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @Test
    void serverRestartReconnectsByItselfWithEphemeralAndWatchIntact() {
        try (EtcdRepository client = TestClients.connect(ETCD.endpoints(), "restart", Duration.ofSeconds(15))) {
            StateRecorder states = StateRecorder.on(client);
            client.putEphemeral("/status/me", "up");
            EventRecorder events = new EventRecorder();
            client.watch("/config", events);
            client.put("/config/before", "1");
            events.await(WAIT, "watch live before the restart", e -> e.key().equals("/config/before"));

            ETCD.stop(0);
            states.awaitInOrder(WAIT, ConnectionState.SUSPENDED);
            ETCD.restart(0);
            states.awaitInOrder(WAIT, ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);

            try (EtcdRepository other = TestClients.connect(ETCD.endpoints(), "restart", Duration.ofSeconds(10))) {
                assertEquals(Optional.of("up"), other.get("/status/me").map(VersionedValue::value), "ephemeral intact");
                other.put("/config/after", "2");
            }
            events.await(WAIT, "watch delivers after the restart", e -> e.type() == ADDED && e.key().equals("/config/after"));
            assertEquals(1, events.eventsFor("/config/before").size(), "nothing repeated: " + events);
            assertFalse(states.seen().contains(ConnectionState.LOST), () -> "lease survived: " + states.seen());
        }
    }
}
