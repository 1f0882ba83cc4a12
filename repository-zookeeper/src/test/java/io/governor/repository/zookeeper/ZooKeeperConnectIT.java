package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up against servers that do not answer. */
class ZooKeeperConnectIT {

    @Test
    void noServerReachableFailsWithConnectFailedWithinTheConnectionTimeoutNamingServersNotThePassword() throws IOException {
        String servers = "127.0.0.1:" + closedPort() + ",127.0.0.1:" + closedPort();
        RepositoryConfig config = ZooKeeperTests.config(servers, "nowhere", Duration.ofSeconds(60))
                .property(ZooKeeperSettings.CONNECTION_TIMEOUT, Duration.ofSeconds(1))
                .property(ZooKeeperSettings.DIGEST, "admin:very-secret-pw")
                .build();

        long start = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> ZooKeeperTests.open(config));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.toString());
        assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "waited the connection timeout: " + took);
        // Bounded by the 1 s connection timeout, not by the 60 s session timeout or by retries; the wide
        // margin covers closing the half-made client on a loaded 2-core machine.
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "gave up long before the session timeout: " + took);
        assertTrue(e.getMessage().contains(servers), e.getMessage());
        assertFalse(e.getMessage().contains("very-secret-pw"), e.getMessage());
        Await.until(Duration.ofSeconds(10), "no governor-nowhere-* thread left", () -> Thread.getAllStackTraces().keySet()
                .stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("governor-nowhere-")));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
