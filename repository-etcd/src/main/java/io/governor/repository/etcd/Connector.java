package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/** Builds the jetcd client for {@link EtcdSettings}. Stateless. */
final class Connector {

    /** gRPC keep-alive ping interval (grpc-java's minimum; etcd's server accepts pings every 5 s). */
    static final Duration GRPC_KEEPALIVE = Duration.ofSeconds(10);
    /** Large enough for a range over many values near the request limit. */
    private static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;

    private Connector() {
    }

    /**
     * A client on the settings' endpoints with jetcd's own retries turned off ({@link Requests}
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
}
