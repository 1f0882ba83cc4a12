package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.test.Await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up checks (issue 20 §3) that core's tests and each backend's start-up tests make alike:
 * a misspelt center property, a host that does not resolve, a server that comes up late. Stateless;
 * each method blocks for the start it checks.
 */
public final class StartupChecks {

    private StartupChecks() {
    }

    /**
     * A start on a {@code type} center at {@code servers} in {@code namespace}, in bootstrap mode
     * {@code CENTER} bounded by {@code startupTimeout}; the test adds its databases.
     */
    public static GovernanceConfig.Builder startOn(String type, String servers, String namespace, Duration startupTimeout) {
        return GovernanceConfig.builder(namespace)
                .registryCenter(RepositoryConfig.builder(type).serverLists(servers).build())
                .bootstrap(BootstrapMode.CENTER).startupTimeout(startupTimeout);
    }

    /**
     * Starts from a {@code governor.yaml} whose {@code type} center at {@code servers} has the
     * properties {@code props} (the YAML after {@code props:}) and asserts as
     * {@link #assertFileStartFails} that it fails with {@code expected}.
     */
    public static void assertCenterPropertiesRejected(Path dir, String type, String servers, String props, String expected)
            throws IOException {
        assertFileStartFails(dir, "governance:\n  namespace: typo-" + type + "\n  registryCenter:\n    type: " + type
                + "\n    serverLists: \"" + servers + "\"\n    props:" + props + "\n", expected);
    }

    /**
     * Starts from a {@code governor.yaml} in {@code dir} holding {@code yaml} and asserts that it fails
     * with {@code INVALID_CONFIG}, the message naming the file and then {@code expected} (line, key
     * path, what is wrong).
     */
    public static void assertFileStartFails(Path dir, String yaml, String expected) throws IOException {
        Path file = dir.resolve("governor.yaml");
        Files.writeString(file, yaml);
        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.fromYaml(file));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
    }

    /**
     * Asserts that starting with {@code config}, whose center is on host {@code no.such.host}, fails
     * at once (within 20 s, not after retrying) with {@code CONNECT_FAILED} naming the host.
     */
    public static void assertUnresolvableHostFailsAtOnce(GovernanceConfig config) {
        long begun = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.builder(config).build());
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot resolve host 'no.such.host'"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "failed at once, not after retrying: " + took);
    }

    /**
     * Starts with {@code config} in the background while its server is down, and returns the start
     * once it has kept trying for {@code down} (asserting it did not give up before).
     */
    public static CompletableFuture<Governance> startWaitingFor(GovernanceConfig config, Duration down) {
        long begun = System.nanoTime();
        CompletableFuture<Governance> start = CompletableFuture.supplyAsync(() -> Governance.builder(config).build());
        Await.until(down.plusSeconds(10), "the server has been down for " + down,
                () -> System.nanoTime() - begun > down.toNanos() || start.isDone());
        assertFalse(start.isDone(), () -> "start-up gave up before startupTimeout: " + start.handle((g, e) -> e).join());
        return start;
    }
}
