package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

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

    static final Set<String> KNOWN = Set.of(SESSION_TIMEOUT, CONNECTION_TIMEOUT, RETRY_BASE_SLEEP,
            RETRY_MAX_SLEEP, RETRY_MAX_ATTEMPTS, DIGEST, MAX_VALUE_BYTES);

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
        config.requireKnownProperties(KNOWN);
        this.servers = config.serverLists();
        checkServers(servers);
        this.namespace = config.namespace();
        this.sessionTimeout = positive(config.durationProperty(SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT), SESSION_TIMEOUT);
        this.connectionTimeout = positive(config.durationProperty(CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT),
                CONNECTION_TIMEOUT);
        this.retryBaseSleep = positive(config.durationProperty(RETRY_BASE_SLEEP, DEFAULT_RETRY_BASE_SLEEP), RETRY_BASE_SLEEP);
        this.retryMaxSleep = positive(config.durationProperty(RETRY_MAX_SLEEP, DEFAULT_RETRY_MAX_SLEEP), RETRY_MAX_SLEEP);
        this.retryMaxAttempts = config.intProperty(RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_MAX_ATTEMPTS);
        if (retryMaxAttempts < 0 || retryMaxAttempts > 29) {
            throw invalid("property '" + RETRY_MAX_ATTEMPTS + "' must be between 0 and 29, got " + retryMaxAttempts);
        }
        this.maxValueBytes = config.intProperty(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES);
        if (maxValueBytes < 1) {
            throw invalid("property '" + MAX_VALUE_BYTES + "' must be at least 1, got " + maxValueBytes);
        }
        String d = config.stringProperty(DIGEST, null);
        if (d == null) {
            this.digestUser = null;
            this.digest = null;
        } else {
            int colon = d.indexOf(':');
            if (colon <= 0 || colon == d.length() - 1) {
                // never echo the value: it holds a password
                throw invalid("property '" + DIGEST + "' must be 'user:password' with a non-empty user and password");
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
        if (servers.isEmpty()) {
            throw invalid("serverLists must name at least one server, e.g. 127.0.0.1:2181");
        }
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

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
            throw invalid("property '" + name + "' must be a positive duration below 24 days, got " + d.toMillis() + "ms");
        }
        return d;
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
