package io.governor.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Listening ports for test servers that must be named before they are bound: ensemble members
 * name each other's ports in their configuration, and a killed member restarts on the same ports.
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range, which is also
 * where outgoing connections get their local ports. Between the probe and the server's bind, or
 * while a member is down, any client, proxy or peer connection can be given that port. A client
 * that keeps reconnecting to a stopped server on loopback can even connect to itself. The server's
 * bind then fails with "Address already in use"; an embedded ZooKeeper then exits the JVM. So ports
 * here come from below the ephemeral range (read from
 * {@code /proc/sys/net/ipv4/ip_local_port_range}, 32768–60999 if unreadable), or from above it when
 * there is more room there. Each port is given out once per JVM and only if it can be bound now,
 * starting from a random point, so JVMs that run one after another rarely probe the same ports.
 *
 * <p>Thread safety: safe to call from any thread. Blocking: binds and closes one socket per port
 * tried. Failure: {@link IllegalStateException} when no port is left outside the ephemeral range.
 */
public final class Ports {

    private static final int LOWEST = 10_000;
    private static final int HIGHEST = 65_535;

    private static int first;
    private static int last;
    private static int next;
    private static int given;

    static {
        int[] ephemeral = ephemeralRange();
        int below = ephemeral[0] - LOWEST;
        int above = HIGHEST - ephemeral[1];
        if (below >= above) {
            first = LOWEST;
            last = ephemeral[0] - 1;
        } else {
            first = ephemeral[1] + 1;
            last = HIGHEST;
        }
        next = first + ThreadLocalRandom.current().nextInt(Math.max(1, last - first + 1));
    }

    private Ports() {
    }

    /**
     * Returns {@code count} distinct ports outside the kernel's ephemeral range that no socket
     * holds now and that this JVM has not handed out before.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws IllegalStateException if the range outside the ephemeral ports is used up
     */
    public static synchronized int[] reserve(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        int[] out = new int[count];
        int size = last - first + 1;
        for (int i = 0; i < count; i++) {
            while (true) {
                if (given >= size) {
                    throw new IllegalStateException("no free port left in " + first + "-" + last
                            + " (outside the ephemeral range)");
                }
                int port = next;
                next = port == last ? first : port + 1;
                given++;
                if (bindable(port)) {
                    out[i] = port;
                    break;
                }
            }
        }
        return out;
    }

    /** The port {@link #reserve} will try next (for tests). */
    static synchronized int nextCandidate() {
        return next;
    }

    /** The first and last port of the ephemeral range (Linux's default if it cannot be read). */
    static int[] ephemeralRange() {
        try {
            String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), StandardCharsets.US_ASCII)
                    .trim().split("\\s+");
            int low = Integer.parseInt(parts[0]);
            int high = Integer.parseInt(parts[1]);
            if (low > 0 && low <= high && high <= HIGHEST) {
                return new int[] {low, high};
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through to Linux's default
        }
        return new int[] {32_768, 60_999};
    }

    /**
     * Whether {@code port} can be bound now on the wildcard address (a ZooKeeper client port binds
     * it, and it conflicts with any holder); the probe socket is closed again at once.
     */
    public static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
