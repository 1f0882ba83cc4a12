package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The ZooKeeper repository's settings, read once from a {@link RepositoryConfig} and validated.
 * Immutable. {@link #toString()} never shows the digest password.
 */
final class ZooKeeperSettings {

    static final String SESSION_TIMEOUT = "sessionTimeout";
    static final String CONNECTION_TIMEOUT = "connectionTimeout";
    static final String RETRY_BASE_SLEEP = "retryBaseSleep";
    static final String RETRY_MAX_SLEEP = "retryMaxSleep";
    static final String RETRY_MAX_ATTEMPTS = "retryMaxAttempts";
    static final String DIGEST = "digest";
    static final String MAX_VALUE_BYTES = "maxValueBytes";

    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_RETRY_BASE_SLEEP = Duration.ofMillis(200);
    static final Duration DEFAULT_RETRY_MAX_SLEEP = Duration.ofSeconds(5);
    static final int DEFAULT_RETRY_MAX_ATTEMPTS = 3;
    /**
     * ZooKeeper refuses a request larger than {@code jute.maxbuffer} (0xfffff bytes by default) and
     * drops the connection. The value limit leaves about 48 KB of that for the path, ACLs and the
     * request envelope.
     */
    static final int DEFAULT_MAX_VALUE_BYTES = 1_000_000;

    private final String servers;
    private final String namespace;
    private final Duration sessionTimeout;
    private final Duration connectionTimeout;
    private final Duration retryBaseSleep;
    private final Duration retryMaxSleep;
    private final int retryMaxAttempts;
    private final String digestUser;
    private final byte[] digest;
    private final int maxValueBytes;

    private ZooKeeperSettings(RepositoryConfig config) {
        RepositoryConfig.Reader r = config.reader();
        this.sessionTimeout = duration(r, SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT);
        this.connectionTimeout = duration(r, CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
        this.retryBaseSleep = duration(r, RETRY_BASE_SLEEP, DEFAULT_RETRY_BASE_SLEEP);
        this.retryMaxSleep = duration(r, RETRY_MAX_SLEEP, DEFAULT_RETRY_MAX_SLEEP);
        // Curator's ExponentialBackoffRetry takes at most 29 retries
        this.retryMaxAttempts = r.integer(RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_MAX_ATTEMPTS, 0, 29);
        this.maxValueBytes = r.integer(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES, 1, Integer.MAX_VALUE);
        String d = r.string(DIGEST, null);
        r.done();
        this.servers = config.requireServerLists("127.0.0.1:2181");
        checkServers(servers);
        this.namespace = config.namespace();
        if (d == null) {
            this.digestUser = null;
            this.digest = null;
        } else {
            int colon = d.indexOf(':');
            if (colon <= 0 || colon == d.length() - 1) {
                // never echo the value: it holds a password
                throw config.invalidProperty(DIGEST, "property '" + DIGEST + "' of zookeeper repository must be "
                        + "'user:password' with a non-empty user and password");
            }
            this.digestUser = d.substring(0, colon);
            this.digest = d.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads and validates the settings.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the offending property (never its secret value)
     */
    static ZooKeeperSettings from(RepositoryConfig config) {
        return new ZooKeeperSettings(config);
    }

    String servers() {
        return servers;
    }

    /** The namespace (the chroot below the server root), or empty for the root itself. */
    String namespace() {
        return namespace;
    }

    /** The namespace as shown in logs, thread names and messages. */
    String label() {
        return namespace.isEmpty() ? "root" : namespace;
    }

    Duration sessionTimeout() {
        return sessionTimeout;
    }

    Duration connectionTimeout() {
        return connectionTimeout;
    }

    Duration retryBaseSleep() {
        return retryBaseSleep;
    }

    Duration retryMaxSleep() {
        return retryMaxSleep;
    }

    int retryMaxAttempts() {
        return retryMaxAttempts;
    }

    boolean hasDigest() {
        return digest != null;
    }

    /** The digest user, or null; safe to show. */
    String digestUser() {
        return digestUser;
    }

    /** {@code user:password} as bytes, or null. Secret: never log it. */
    byte[] digest() {
        return digest == null ? null : digest.clone();
    }

    int maxValueBytes() {
        return maxValueBytes;
    }

    /**
     * Checks {@code host:port[,host:port...]} (port optional, IPv6 hosts in brackets). ZooKeeper itself
     * would only log a malformed entry and keep retrying until the connection timeout.
     */
    private static void checkServers(String servers) {
        if (servers.contains("/")) {
            throw invalid("serverLists '" + servers + "' must not carry a chroot path; the namespace is the chroot");
        }
        for (String entry : servers.split(",", -1)) {
            String e = entry.trim();
            String host = e;
            String port = null;
            if (e.startsWith("[")) {
                int close = e.indexOf(']');
                host = close < 0 ? "" : e.substring(1, close);
                String rest = close < 0 ? "" : e.substring(close + 1);
                if (!rest.isEmpty()) {
                    port = rest.startsWith(":") ? rest.substring(1) : "";
                }
            } else if (e.indexOf(':') >= 0) {
                host = e.substring(0, e.lastIndexOf(':'));
                port = e.substring(e.lastIndexOf(':') + 1);
            }
            if (host.isEmpty() || host.contains(" ") || (!e.startsWith("[") && host.contains(":"))
                    || (port != null && !validPort(port))) {
                throw invalid("serverLists '" + servers + "': entry '" + e + "' is not host:port with a port from 1 to 65535");
            }
        }
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int p = Integer.parseInt(port);
        return p >= 1 && p <= 65535;
    }

    /** A positive duration that ZooKeeper and Curator can take as an int of milliseconds (below 24 days). */
    private static Duration duration(RepositoryConfig.Reader r, String name, Duration defaultValue) {
        return r.duration(name, defaultValue, Duration.ofMillis(1), Duration.ofMillis(Integer.MAX_VALUE));
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, message + " (zookeeper repository)");
    }

    @Override
    public String toString() {
        return "servers=" + servers + ", namespace=" + label() + ", sessionTimeout=" + sessionTimeout.toMillis()
                + "ms, connectionTimeout=" + connectionTimeout.toMillis() + "ms, retry=" + retryMaxAttempts + "x "
                + retryBaseSleep.toMillis() + ".." + retryMaxSleep.toMillis() + "ms, digest="
                + (digestUser == null ? "none" : digestUser + ":******") + ", maxValueBytes=" + maxValueBytes;
    }
}
