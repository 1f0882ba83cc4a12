package io.governor.core;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Makes instance ids {@code host@pid@random}, every part a legal path segment. Thread-safe. */
final class InstanceIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile String host;

    private InstanceIds() {
    }

    static String next() {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        return host() + "@" + ProcessHandle.current().pid() + "@" + HexFormat.of().formatHex(r);
    }

    static String host() {
        String h = host;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                h = "localhost";
            }
            h = h.replaceAll("[^A-Za-z0-9_.:+-]", "_");
            if (h.length() > 64) {
                h = h.substring(0, 64);
            }
            host = h;
        }
        return h;
    }
}
