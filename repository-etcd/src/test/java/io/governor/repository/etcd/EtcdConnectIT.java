package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connecting when no etcd server is there. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdConnectIT {

    @Test
    void noServerReachableFailsWithConnectFailedWithinConnectTimeout() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Duration connectTimeout = Duration.ofSeconds(2);
        long start = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> new EtcdRepositoryProvider().create(
                TestClients.config(endpoint, "nobody").property("connectTimeout", connectTimeout).build()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e::toString);
        assertTrue(e.getMessage().contains(endpoint), () -> "names the server: " + e.getMessage());
        assertTrue(took.compareTo(connectTimeout.plusSeconds(1)) < 0, () -> "gave up after " + took);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("governor-nobody-")),
                "no repository thread left after the failed connect");
    }
}
