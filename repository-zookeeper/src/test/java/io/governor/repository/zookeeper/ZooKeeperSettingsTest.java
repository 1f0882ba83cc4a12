package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZooKeeperSettingsTest {

    private static RepositoryConfig.Builder base() {
        return RepositoryConfig.builder("zookeeper").serverLists("127.0.0.1:2181").namespace("orders");
    }

    private static GovernanceException invalid(RepositoryConfig config) {
        GovernanceException e = assertThrows(GovernanceException.class, () -> ZooKeeperSettings.from(config));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.toString());
        return e;
    }

    @Test
    void defaultsApplyWhenNoPropertyIsSet() {
        ZooKeeperSettings s = ZooKeeperSettings.from(base().build());
        assertEquals(Duration.ofSeconds(30), s.sessionTimeout());
        assertEquals(Duration.ofSeconds(10), s.connectionTimeout());
        assertEquals(Duration.ofMillis(200), s.retryBaseSleep());
        assertEquals(Duration.ofSeconds(5), s.retryMaxSleep());
        assertEquals(3, s.retryMaxAttempts());
        assertEquals(1_000_000, s.maxValueBytes());
        assertFalse(s.hasDigest());
        assertNull(s.digest());
        assertEquals("orders", s.label());
    }

    @Test
    void everyPropertyIsRead() {
        ZooKeeperSettings s = ZooKeeperSettings.from(base()
                .property("sessionTimeout", "12s").property("connectionTimeout", "1500ms")
                .property("retryBaseSleep", "50ms").property("retryMaxSleep", "2s").property("retryMaxAttempts", "7")
                .property("digest", "app:pw").property("maxValueBytes", "2048").build());
        assertEquals(Duration.ofSeconds(12), s.sessionTimeout());
        assertEquals(Duration.ofMillis(1500), s.connectionTimeout());
        assertEquals(Duration.ofMillis(50), s.retryBaseSleep());
        assertEquals(Duration.ofSeconds(2), s.retryMaxSleep());
        assertEquals(7, s.retryMaxAttempts());
        assertEquals("app", s.digestUser());
        assertEquals(2048, s.maxValueBytes());
    }

    @Test
    void unknownPropertyIsRejectedNamingItAndTheKnownOnes() {
        GovernanceException e = invalid(base().property("sessionTimeOut", "10s").build());
        assertTrue(e.getMessage().contains("sessionTimeOut"), e.getMessage());
        assertTrue(e.getMessage().contains("sessionTimeout"), e.getMessage());
    }

    @Test
    void malformedDigestIsRejectedWithoutShowingIt() {
        for (String bad : new String[] {"no-colon-secret", ":secretpw", "someone:"}) {
            GovernanceException e = invalid(base().property("digest", bad).build());
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void toStringMasksTheDigestPassword() {
        String shown = ZooKeeperSettings.from(base().property("digest", "app:top-secret").build()).toString();
        assertTrue(shown.contains("app:******"), shown);
        assertFalse(shown.contains("top-secret"), shown);
    }

    @Test
    void emptyServerListAndBadNumbersAreRejected() {
        invalid(RepositoryConfig.builder("zookeeper").namespace("orders").build());
        invalid(base().property("sessionTimeout", "0ms").build());
        invalid(base().property("connectionTimeout", "soon").build());
        invalid(base().property("retryMaxAttempts", "-1").build());
        invalid(base().property("maxValueBytes", "0").build());
    }

    @Test
    void malformedServerListsAreRejectedNamingTheEntry() {
        for (String servers : new String[] {"127.0.0.1:notaport", "127.0.0.1:99999", "a:1,,b:2", "zk1:2181/chroot",
                ":2181", "[::1", "::1:2181"}) {
            GovernanceException e = invalid(base().serverLists(servers).build());
            assertTrue(e.getMessage().contains(servers), e.getMessage());
        }
        for (String servers : new String[] {"zk1:2181", "zk1:2181, zk2:2182,zk3", "[::1]:2181", "[fe80::1]", "localhost"}) {
            assertEquals(servers, ZooKeeperSettings.from(base().serverLists(servers).build()).servers());
        }
    }

    @Test
    void digestIdIsZooKeepersSha1Form() {
        // the value ZooKeeper's DigestAuthenticationProvider.generateDigest("super:test") gives
        assertEquals("super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                Connector.digestId("super:test".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
