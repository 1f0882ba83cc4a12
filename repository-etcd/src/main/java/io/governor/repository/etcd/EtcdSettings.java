package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The validated connection settings of one etcd repository, read from a {@link RepositoryConfig}.
 * Immutable. {@link #toString()} never shows the password.
 */
record EtcdSettings(List<URI> endpoints, String namespace, Duration connectTimeout, Duration requestTimeout,
                    Duration leaseTtl, String user, String password, boolean tls, Path tlsCaFile,
                    Path tlsCertFile, Path tlsKeyFile, int maxRequestBytes, int maxTxnOps) {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    /** etcd's default {@code --max-request-bytes}: 1.5 MiB. */
    static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
    /** etcd's default {@code --max-txn-ops}: operations per transaction (compares and writes each). */
    static final int DEFAULT_MAX_TXN_OPS = 128;
    /** Room kept in a request for the key, the namespace and the protocol's framing. */
    static final int REQUEST_OVERHEAD_BYTES = 8 * 1024;

    /**
     * Reads and validates {@code config}.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the property at fault
     */
    static EtcdSettings from(RepositoryConfig config) {
        RepositoryConfig.Reader r = config.reader();
        Duration connect = r.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), null);
        Duration request = r.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(1), null);
        Duration ttl = r.duration("leaseTtl", DEFAULT_LEASE_TTL, Duration.ofSeconds(1), null);
        ttl = Duration.ofSeconds((ttl.toMillis() + 999) / 1000);
        r.together("user", "password", null);
        String user = r.string("user", null);
        String password = r.secret("password");
        r.together("tlsCertFile", "tlsKeyFile", null);
        Path ca = file(config, r, "tlsCaFile");
        Path cert = file(config, r, "tlsCertFile");
        Path key = file(config, r, "tlsKeyFile");
        int maxRequest = r.integer("maxRequestBytes", DEFAULT_MAX_REQUEST_BYTES, 64 * 1024, Integer.MAX_VALUE);
        int maxTxnOps = r.integer("maxTxnOps", DEFAULT_MAX_TXN_OPS, 8, Integer.MAX_VALUE);
        r.done();
        boolean tlsWanted = ca != null || cert != null;
        List<URI> endpoints = endpoints(config, tlsWanted);
        boolean tls = tlsWanted || "https".equals(endpoints.get(0).getScheme());
        return new EtcdSettings(List.copyOf(endpoints), config.namespace(), connect, request, ttl, user,
                password, tls, ca, cert, key, maxRequest, maxTxnOps);
    }

    /** The largest value a put accepts: the request limit less room for key and framing. */
    int maxValueBytes() {
        return maxRequestBytes - REQUEST_OVERHEAD_BYTES;
    }

    /** The endpoints as text, for messages. */
    String servers() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /** How the repository names itself in messages: namespace and servers. */
    String label() {
        return "'" + (namespace.isEmpty() ? "/" : namespace) + "' at " + servers();
    }

    @Override
    public String toString() {
        return "EtcdSettings{endpoints=" + servers() + ", namespace=" + namespace + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", leaseTtl=" + leaseTtl + ", user=" + user
                + ", password=" + (password == null ? "none" : "******") + ", tls=" + tls + "}";
    }

    private static List<URI> endpoints(RepositoryConfig config, boolean tls) {
        List<URI> out = new ArrayList<>();
        for (String raw : config.requireServerLists("http://127.0.0.1:2379").split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(entry.contains("://") ? entry : (tls ? "https://" : "http://") + entry);
            } catch (IllegalArgumentException e) {
                throw invalid(config, "endpoint '" + entry + "' is not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getPort() <= 0) {
                throw invalid(config, "endpoint '" + entry + "' must look like http://host:port or https://host:port");
            }
            if (!out.isEmpty() && !out.get(0).getScheme().equalsIgnoreCase(scheme)) {
                throw invalid(config, "endpoints mix http and https: " + config.serverLists());
            }
            if (tls && scheme.equals("http")) {
                throw invalid(config, "endpoint '" + entry + "' is http but TLS files are configured; use https");
            }
            out.add(uri);
        }
        if (out.isEmpty()) {
            throw invalid(config, "serverLists must name at least one endpoint, e.g. http://127.0.0.1:2379");
        }
        return out;
    }

    private static Path file(RepositoryConfig config, RepositoryConfig.Reader r, String property) {
        Path p = Optional.ofNullable(r.string(property, null)).map(Path::of).orElse(null);
        if (p != null && !Files.isReadable(p)) {
            throw config.invalidProperty(property, "property '" + property + "' of etcd repository: file " + p
                    + " does not exist or is not readable");
        }
        return p;
    }

    private static GovernanceException invalid(RepositoryConfig config, String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, "etcd repository '"
                + (config.namespace().isEmpty() ? "/" : config.namespace()) + "': " + message);
    }
}
