package io.governor.test.etcd;

import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Backoff;
import io.governor.test.CenterExtension;
import io.governor.test.Ports;
import io.governor.test.TempDirs;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Real etcd servers for tests: one or three members of the {@code etcd} binary (Debian package
 * {@code etcd-server}) on free loopback ports, each with a temporary data directory.
 *
 * <p>Use it as a JUnit 5 extension ({@code @RegisterExtension static final EtcdCluster etcd =
 * EtcdCluster.members(1);} starts before all tests and stops after them) or directly with
 * try-with-resources ({@code try (EtcdCluster c = EtcdCluster.members(3).start()) {...}}).
 *
 * <p>{@link #start()} returns once every member answers {@code /health} with a leader elected;
 * {@link #kill(int)} sends SIGKILL, {@link #restart(int)} starts a member again on the same ports and
 * data, {@link #leader()} finds the current leader, {@link #enableAuth(String, String)} turns on
 * authentication. {@link #close()} kills every member and deletes the data (also from a JVM
 * shutdown hook, so an aborted test run leaves no etcd behind). Every wait has a deadline; nothing
 * sleeps for a fixed time.
 *
 * <p>When the {@code etcd} binary is missing, {@link #start()} fails with a message saying to install
 * the Debian package {@code etcd-server} or to run {@code scripts/test.sh}.
 *
 * <p>Thread-safe for the usual test pattern (control from the test thread while clients run on
 * others); methods that change members are synchronized.
 */
public final class EtcdCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback, CenterExtension {

    /** How long {@link #start()} and {@link #restart(int)} wait for health. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** The root user {@link #enableAuth} creates, with {@link #ROOT_PASSWORD}. */
    public static final String ROOT_USER = "root";
    /** The root user's password. Test-only. */
    public static final String ROOT_PASSWORD = "root-test-secret";

    /**
     * TLS for the members' client URLs (peers stay plain): PEM files of the CA that signed the
     * server certificate (valid for 127.0.0.1), the server certificate and its key; with
     * {@code clientCertAuth} the members require a client certificate signed by that CA.
     */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean clientCertAuth) {
    }

    private final int size;
    private Tls tls;
    private final List<EtcdMember> members = new ArrayList<>();
    private Path baseDir;
    private boolean started;
    private boolean authEnabled;
    private Thread shutdownHook;

    private EtcdCluster(int size) {
        if (size != 1 && size != 3) {
            throw new IllegalArgumentException("an etcd test cluster has 1 or 3 members, not " + size);
        }
        this.size = size;
    }

    /** A cluster of {@code size} (1 or 3) members, not started yet. */
    public static EtcdCluster members(int size) {
        return new EtcdCluster(size);
    }

    /** Serves the client URLs over TLS ({@code https://}); call before {@link #start()}. */
    public synchronized EtcdCluster tls(Tls tls) {
        if (started) {
            throw new IllegalStateException("set TLS before starting the cluster");
        }
        this.tls = tls;
        return this;
    }

    /** Starts a single-member cluster and returns it once it is healthy. */
    public static EtcdCluster single() {
        return members(1).start();
    }

    /**
     * Starts every member and waits until each is healthy and a leader is elected.
     *
     * @throws IllegalStateException when the binary is missing or a member does not become healthy
     *         in {@link #START_TIMEOUT}; the message includes the tail of the member's log
     */
    public synchronized EtcdCluster start() {
        if (started) {
            return this;
        }
        String binary = EtcdBinary.find();
        try {
            baseDir = Files.createTempDirectory("governor-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
        }
        String token = "governor-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        List<int[]> ports = freePorts(size);
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            initialCluster.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(ports.get(i)[1]);
        }
        for (int i = 0; i < size; i++) {
            members.add(new EtcdMember(binary, "m" + i, baseDir.resolve("m" + i), ports.get(i), initialCluster.toString(), token, tls));
        }
        started = true;
        shutdownHook = new Thread(this::close, "governor-test-etcd-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            members.forEach(EtcdMember::launch);
            awaitHealthy();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        return this;
    }

    /** The number of members. */
    public int size() {
        return size;
    }

    /** Every member's client URL ({@code http://127.0.0.1:port}), in member order. */
    public List<String> clientUrls() {
        return members.stream().map(EtcdMember::clientUrl).collect(Collectors.toList());
    }

    /** The client URLs joined with commas: a server list for an etcd repository. */
    public String endpoints() {
        return String.join(",", clientUrls());
    }

    /** {@code 127.0.0.1:<client port>} of each member, by index. */
    @Override
    public List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            addresses.add("127.0.0.1:" + clientPort(i));
        }
        return addresses;
    }

    /**
     * An {@code etcd} client of every member, with a 5 s lease TTL so that a test sees an instance's
     * ephemeral nodes go soon after it stops: what core's scenario tests run against.
     */
    @Override
    public RepositoryConfig center() {
        return RepositoryConfig.builder("etcd").serverLists(endpoints()).property("leaseTtl", "5s").build();
    }

    /** The client port of member {@code index}. */
    public int clientPort(int index) {
        return member(index).clientPort();
    }

    /** Whether member {@code index} is running (started and not killed). */
    public synchronized boolean isRunning(int index) {
        return member(index).isRunning();
    }

    /** Kills member {@code index} with SIGKILL and waits until the process has exited. */
    public synchronized void kill(int index) {
        member(index).kill();
    }

    /** Stops member {@code index} with SIGTERM (a clean shutdown) and waits until it has exited. */
    public synchronized void stop(int index) {
        member(index).stop();
    }

    /**
     * Starts member {@code index} again on the same ports with the same data, and waits until the
     * whole cluster is healthy again.
     */
    public synchronized void restart(int index) {
        EtcdMember m = member(index);
        if (m.isRunning()) {
            m.kill();
        }
        m.launch();
        awaitHealthy();
    }

    /**
     * The index of the current leader, waiting up to {@link #START_TIMEOUT} for the running members to
     * agree on one.
     */
    public synchronized int leader() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Backoff backoff = new Backoff();
        while (true) {
            for (int i = 0; i < size; i++) {
                if (members.get(i).isRunning() && members.get(i).isLeader()) {
                    return i;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no etcd member became leader within " + START_TIMEOUT);
            }
            backoff.pause();
        }
    }

    /**
     * Turns on authentication: creates {@link #ROOT_USER} (role root) and {@code user} with
     * {@code password} and read-write access to every key, then enables auth. Idempotent for the same
     * user.
     */
    public synchronized void enableAuth(String user, String password) {
        if (authEnabled) {
            return;
        }
        if (tls != null) {
            throw new IllegalStateException("enableAuth talks plain HTTP to the gateway; not supported with TLS");
        }
        EtcdGateway gw = new EtcdGateway(members.get(leader()).clientUrl());
        gw.post("/v3/auth/user/add", "{\"name\":\"" + ROOT_USER + "\",\"password\":\"" + ROOT_PASSWORD + "\"}");
        gw.post("/v3/auth/user/grant", "{\"user\":\"" + ROOT_USER + "\",\"role\":\"root\"}");
        gw.post("/v3/auth/role/add", "{\"name\":\"governor-rw\"}");
        gw.post("/v3/auth/role/grant", "{\"name\":\"governor-rw\",\"perm\":{\"permType\":\"READWRITE\","
                + "\"key\":\"AA==\",\"range_end\":\"AA==\"}}");
        gw.post("/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
        gw.post("/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"governor-rw\"}");
        gw.post("/v3/auth/enable", "{}");
        authEnabled = true;
    }

    /** Whether {@link #enableAuth} has run. */
    public synchronized boolean isAuthEnabled() {
        return authEnabled;
    }

    /** Kills every member and deletes the data directories. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        for (EtcdMember m : members) {
            try {
                m.kill();
            } catch (RuntimeException ignored) {
                // best effort: keep closing the others
            }
        }
        if (baseDir != null) {
            TempDirs.deleteRecursively(baseDir);
            baseDir = null;
        }
        members.clear();
        started = false;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down; the hook runs close() once more, harmlessly
            }
        }
        shutdownHook = null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private EtcdMember member(int index) {
        if (!started) {
            throw new IllegalStateException("the etcd cluster is not started");
        }
        return members.get(index);
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (EtcdMember m : members) {
            if (m.isRunning()) {
                m.awaitHealthy(deadline, authEnabled);
            }
        }
    }

    /** Client, peer and metrics ports per member, outside the ephemeral range (see {@link Ports}). */
    private static List<int[]> freePorts(int count) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Ports.reserve(3));
        }
        return out;
    }
}
