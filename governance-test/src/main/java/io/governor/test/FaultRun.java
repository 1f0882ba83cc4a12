package io.governor.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a test that cuts connections for a while shares ({@link WriteOutcomeContract}, core's
 * admin-under-faults scenario): the servers of the test class's {@link CenterExtension}, a fresh
 * namespace, how long the faulty run lasts, and the clients and proxies closed after each test in
 * reverse order. Not a test itself; not thread-safe (the test thread tracks, JUnit closes).
 */
public abstract class FaultRun {

    private final List<AutoCloseable> open = new ArrayList<>();
    private CenterExtension servers;

    @BeforeEach
    final void takeServers(CenterExtension servers) {
        this.servers = servers;
    }

    @AfterEach
    final void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    /** The {@code host:port} of each server; a test puts a proxy before each. */
    protected final List<String> servers() {
        return servers.addresses();
    }

    /** How long the faulty run lasts ({@code -Dgovernor.faults.seconds}, default 8). */
    protected Duration runTime() {
        return Duration.ofSeconds(Long.getLong("governor.faults.seconds", 8));
    }

    /** A namespace no other run uses: {@code prefix} and a random suffix. */
    protected static String newNamespace(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** Closed after the test, in reverse order. */
    protected final <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }
}
