package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ZooKeeper repository's settings, read once from a {@link RepositoryConfig} and validated.
 * Immutable. {@link #toString()} never shows the digest password.
 *
 * @param namespace  the namespace (the chroot below the server root), or empty for the root itself
 * @param digestUser the digest user, or null; safe to show
 * @param digest     {@code user:password} as bytes, or null. Secret: never log it
 */
record ZooKeeperSettings(String servers, String namespace, Duration sessionTimeout, Duration connectionTimeout,
                         Duration retryBaseSleep, Duration retryMaxSleep, int retryMaxAttempts, String digestUser,
                         byte[] digest, int maxValueBytes) {

    static final String SESSION_TIMEOUT = "sessionTimeout";
    static final String CONNECTION_TIMEOUT = "connectionTimeout";
    static final String RETRY_BASE_SLEEP = "retryBaseSleep";
    static final String RETRY_MAX_SLEEP = "retryMaxSleep";
    static final String RETRY_MAX_ATTEMPTS = "retryMaxAttempts";
    static final String DIGEST = "digest";
    static final String MAX_VALUE_BYTES = "maxValueBytes";

    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** Below ZooKeeper's {@code jute.maxbuffer} (0xfffff bytes), leaving ~48 KB for path, ACLs and envelope. */
    static final int DEFAULT_MAX_VALUE_BYTES = 1_000_000;
    /** One server: {@code host}, {@code host:port} or {@code [v6 host]:port}, the port optional. */
    private static final Pattern SERVER = Pattern.compile("(?:\\[[^\\] ]+]|[^\\[: ][^: ]*)(?::(\\p{Nd}{1,5}))?");

    /** Reads and validates the settings: {@code INVALID_CONFIG} names the offending property (never a secret). */
    static ZooKeeperSettings from(RepositoryConfig config) {
        RepositoryConfig.Reader r = config.reader();
        Duration sessionTimeout = duration(r, SESSION_TIMEOUT, Duration.ofSeconds(30));
        Duration connectionTimeout = duration(r, CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
        Duration retryBaseSleep = duration(r, RETRY_BASE_SLEEP, Duration.ofMillis(200));
        Duration retryMaxSleep = duration(r, RETRY_MAX_SLEEP, Duration.ofSeconds(5));
        // Curator's ExponentialBackoffRetry takes at most 29 retries
        int retryMaxAttempts = r.integer(RETRY_MAX_ATTEMPTS, 3, 0, 29);
        int maxValueBytes = r.integer(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES, 1, Integer.MAX_VALUE);
        String digest = r.string(DIGEST, null);
        r.done();
        String servers = config.requireServerLists("127.0.0.1:2181");
        checkServers(servers);
        int colon = digest == null ? -1 : digest.indexOf(':');
        if (digest != null && (colon <= 0 || colon == digest.length() - 1)) {
            // never echo the value: it holds a password
            throw config.invalidProperty(DIGEST, "property '" + DIGEST + "' of zookeeper repository must be "
                    + "'user:password' with a non-empty user and password");
        }
        return new ZooKeeperSettings(servers, config.namespace(), sessionTimeout, connectionTimeout, retryBaseSleep,
                retryMaxSleep, retryMaxAttempts, digest == null ? null : digest.substring(0, colon),
                digest == null ? null : digest.getBytes(StandardCharsets.UTF_8), maxValueBytes);
    }

    /** The namespace as shown in logs, thread names and messages. */
    String label() {
        return namespace.isEmpty() ? "root" : namespace;
    }

    boolean hasDigest() {
        return digest != null;
    }

    /** Checks {@code host[:port],...} (IPv6 in brackets): ZooKeeper would only log a bad entry and retry. */
    private static void checkServers(String servers) {
        if (servers.contains("/")) {
            throw invalid("serverLists '" + servers + "' must not carry a chroot path; the namespace is the chroot");
        }
        for (String entry : servers.split(",", -1)) {
            Matcher m = SERVER.matcher(entry.trim());
            if (!m.matches() || !validPort(m.group(1))) {
                throw invalid("serverLists '" + servers + "': entry '" + entry.trim()
                        + "' is not host:port with a port from 1 to 65535");
            }
        }
    }

    /** Whether a port (digits, or null when none is given) is from 1 to 65535. */
    private static boolean validPort(String port) {
        return port == null || Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
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
