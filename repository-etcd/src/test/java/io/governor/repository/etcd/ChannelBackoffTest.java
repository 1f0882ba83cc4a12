package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reaching jetcd's gRPC channel; no server is needed (the channel connects lazily). */
class ChannelBackoffTest {

    @Test
    void theChannelOfThePinnedJetcdIsReachedAndItsBackoffCanBeReset() {
        try (Client client = Client.builder().endpoints("http://127.0.0.1:9").build()) {
            ChannelBackoff backoff = ChannelBackoff.of(client, "test");
            assertTrue(backoff.available(), "jetcd's internals changed: ChannelBackoff no longer reaches the channel");
            backoff.reset();
            backoff.reset();
        }
    }

    @Test
    void aClientWithoutThoseInternalsGivesABackoffThatDoesNothing() {
        Client other = (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class},
                (proxy, method, args) -> null);
        ChannelBackoff backoff = ChannelBackoff.of(other, "test");
        assertFalse(backoff.available());
        backoff.reset();
    }
}
