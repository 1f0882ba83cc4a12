package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Hosts;
import io.governor.api.repository.support.TimedRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/** Builds the jetcd client for {@link EtcdSettings}. Stateless. */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    /** gRPC keep-alive ping interval (grpc-java's minimum; etcd's server accepts pings every 5 s). */
    static final Duration GRPC_KEEPALIVE = Duration.ofSeconds(10);
    /** Large enough for a range over many values near the request limit. */
    private static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;

    private Connector() {
    }

    /**
     * A client on the settings' endpoints with jetcd's own retries turned off ({@link TimedRequests}
     * decides what is retried) and {@code control} on every call.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} when the TLS files cannot be used
     */
    static Client build(EtcdSettings s, CallControl control, ExecutorService executor) {
        ClientBuilder b = Client.builder()
                .endpoints(s.endpoints())
                .executorService(executor)
                .retryMaxAttempts(0)
                .connectTimeout(s.connectTimeout())
                .keepaliveTime(GRPC_KEEPALIVE)
                .keepaliveTimeout(s.requestTimeout())
                .keepaliveWithoutCalls(true)
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .interceptor(control);
        if (s.user() != null) {
            b.user(Keys.bytes(s.user())).password(Keys.bytes(s.password()));
        }
        if (s.tls()) {
            try {
                b.sslContext(ssl -> {
                    if (s.tlsCaFile() != null) {
                        ssl.trustManager(s.tlsCaFile().toFile());
                    }
                    if (s.tlsCertFile() != null) {
                        ssl.keyManager(s.tlsCertFile().toFile(), s.tlsKeyFile().toFile());
                    }
                });
            } catch (SSLException | IllegalArgumentException e) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "etcd repository " + s.label()
                        + ": the TLS files cannot be used (" + e.getMessage() + ")", e);
            }
        }
        return b.build();
    }

    /**
     * Resolves every endpoint's host before the client is made ({@link Hosts}), so that a name that
     * does not resolve is one clear error, {@code CONNECT_FAILED} "cannot resolve host '...'" when none
     * resolves, instead of gRPC's retries.
     */
    static void requireResolvableHost(EtcdSettings s) {
        List<String> hosts = s.endpoints().stream().map(URI::getHost).filter(Objects::nonNull).toList();
        List<String> unresolved = Hosts.requireResolvable(hosts, "etcd repository " + s.label());
        if (!unresolved.isEmpty()) {
            LOG.warn("etcd repository {}: cannot resolve host(s) {}; connecting to the other endpoints", s.label(), unresolved);
        }
    }
}
