package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.StartupChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 20 §3 on the memory repository: what start-up answers to a center that is late, missing or misspelt. */
class StartupErrorsTest {

    @Test
    void centerThatComesUpWithinStartupTimeoutIsUsed() {
        String store = TestConfigs.newStore();
        GovernanceConfig cfg = GovernanceConfig.builder("order-service").registryCenter(LateCenterProvider.center(store, 3))
                .database("orders", TestConfigs.orders(store)).bootstrap(BootstrapMode.CENTER)
                .startupTimeout(Duration.ofSeconds(30)).build();
        try (Governance g = Governance.builder(cfg).build()) {
            assertEquals(-1, LateCenterProvider.REFUSALS.get(store).get(), "three refusals, then the fourth attempt connected");
            assertTrue(g.databases().contains("orders"));
        }
    }

    @Test
    void centerThatNeverComesUpFailsStartNamingStartupTimeout() {
        String store = TestConfigs.newStore();
        GovernanceConfig cfg = GovernanceConfig.builder("order-service").registryCenter(LateCenterProvider.center(store, Integer.MAX_VALUE))
                .startupTimeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.builder(cfg).build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("did not answer within startupTimeout"), e.getMessage());
        assertTrue(e.getMessage().contains("is not up yet"), "the last error is kept: " + e.getMessage());
        assertTrue(took.compareTo(Duration.ofMillis(1500)) >= 0, "kept trying for the startupTimeout: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "bounded by the startupTimeout: " + took);
    }

    @Test
    void misspeltCenterTypeSuggestsTheKnownTypeAndItsArtifact() {
        GovernanceException e = TestConfigs.startFails(RepositoryConfig.builder("zookeper").serverLists("127.0.0.1:2181").build());
        assertEquals(ErrorCode.REPOSITORY_NOT_FOUND, e.code());
        assertEquals("no repository of type 'zookeper'; did you mean 'zookeeper'? found: configonly, late, memory;"
                + " add the artifact io.governor:repository-zookeeper", e.getMessage());
    }

    @Test
    void misspeltTypeOfAFoundRepositorySuggestsItWithoutAnArtifact() {
        GovernanceException e = TestConfigs.startFails(RepositoryConfig.builder("memroy").build());
        assertEquals("no repository of type 'memroy'; did you mean 'memory'? found: configonly, late, memory", e.getMessage());
    }

    @Test
    void unknownTypeNamesNoInventedArtifact() {
        GovernanceException e = TestConfigs.startFails(RepositoryConfig.builder("consul").build());
        assertEquals("no repository of type 'consul'; found: configonly, late, memory", e.getMessage());
        assertFalse(e.getMessage().contains("repository-consul"), e.getMessage());
    }

    @Test
    void misspeltRepositoryPropertyNamesFileLineAndKeyPath(@TempDir Path dir) throws IOException {
        StartupChecks.assertCenterPropertiesRejected(dir, "memory", TestConfigs.newStore(), "\n      maxValueByte: 100", "line 7, key 'governance.registryCenter.props.maxValueByte': "
                + "unknown property 'maxValueByte' for memory repository; did you mean 'maxValueBytes'?");
    }

    @Test
    void badRepositoryPropertyValueNamesFileLineAndKeyPath(@TempDir Path dir) throws IOException {
        StartupChecks.assertFileStartFails(dir, """
                governance:
                  namespace: order-service
                  registryCenter: { type: memory, props: { maxValueBytes: lots } }
                """, "line 3, key 'governance.registryCenter.props.maxValueBytes': property 'maxValueBytes' must be an integer");
    }
}
