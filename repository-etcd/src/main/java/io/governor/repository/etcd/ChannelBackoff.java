package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Cuts short gRPC's reconnect backoff of a jetcd client's channel, so that a client reconnects as
 * soon as a server is back instead of when its backoff (1 s, growing by 1.6× up to 2 minutes while
 * the server stays away) next allows.
 *
 * <p>jetcd 0.8 does not expose its {@link ManagedChannel}; this reaches it by reflection
 * ({@code ClientImpl.connectionManager}, then {@code ClientConnectionManager.getChannel()}) once,
 * when the repository is built. If that fails (a jetcd whose internals differ), it says so once at
 * WARN and {@link #reset()} does nothing: reconnecting then follows gRPC's backoff, as it would
 * without this class.
 *
 * <p>Thread-safe; {@link #reset()} does not block.
 */
final class ChannelBackoff {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelBackoff.class);

    private final ManagedChannel channel;

    private ChannelBackoff(ManagedChannel channel) {
        this.channel = channel;
    }

    /** The channel of {@code client}, built by jetcd now if it was not yet; never throws. */
    static ChannelBackoff of(Client client, String where) {
        try {
            Field manager = client.getClass().getDeclaredField("connectionManager");
            manager.setAccessible(true);
            Object connections = manager.get(client);
            Method getChannel = connections.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            return new ChannelBackoff((ManagedChannel) getChannel.invoke(connections));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("[{}] cannot reach jetcd's gRPC channel ({}); after an outage the client reconnects when "
                    + "gRPC's backoff (up to 2 minutes) allows, not as soon as the server is back", where, cause.toString());
            return new ChannelBackoff(null);
        }
    }

    /** Whether the channel was reached (false: {@link #reset()} does nothing). */
    boolean available() {
        return channel != null;
    }

    /**
     * Makes every connection of the channel that is waiting out its backoff try again now. Cheap
     * when connected (nothing is waiting); call it while the client cannot reach a server.
     */
    void reset() {
        if (channel != null) {
            try {
                channel.resetConnectBackoff();
            } catch (RuntimeException e) {
                LOG.debug("resetting the gRPC connect backoff failed: {}", e.toString());
            }
        }
    }
}
