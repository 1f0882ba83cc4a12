package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.test.EventRecorder;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An etcd server that serves clients over TLS and requires a client certificate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdTlsIT {

    private static Path dir;
    private static TestCertificates certs;
    private static EtcdCluster etcd;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("governor-etcd-tls-");
        certs = TestCertificates.create(dir);
        etcd = EtcdCluster.members(1).tls(new EtcdCluster.Tls(certs.ca, certs.serverCert, certs.serverKey, true)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void caAndClientCertificateConnectOverTls() {
        try (RegistryRepository r = new EtcdRepositoryProvider().create(TestClients.config(etcd.endpoints(), "tls")
                .property("tlsCaFile", certs.ca.toString())
                .property("tlsCertFile", certs.clientCert.toString())
                .property("tlsKeyFile", certs.clientKey.toString()).build())) {
            EventRecorder events = new EventRecorder();
            r.watch("/t", events);
            r.putEphemeral("/t/e", "over tls");
            assertEquals(Optional.of("over tls"), r.get("/t/e").map(VersionedValue::value));
            events.await(Duration.ofSeconds(10), "watch over TLS", e -> e.key().equals("/t/e"));
        }
    }

    @Test
    void withoutClientCertificateTheServerIsNotReached() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new EtcdRepositoryProvider().create(
                TestClients.config(etcd.endpoints(), "tls").property("tlsCaFile", certs.ca.toString())
                        .property("connectTimeout", "2s").build()));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e::toString);
    }
}
