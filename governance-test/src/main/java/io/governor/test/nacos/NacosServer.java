package io.governor.test.nacos;

import io.governor.test.Ports;
import io.governor.test.server.JarServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Nacos 2.5.1 server for tests: the standalone server jar (embedded Derby storage, auth off
 * unless asked) in a child JVM on free ports with an empty home directory, ready when its readiness
 * URL answers 200, stopped by process id.
 *
 * <p>Use it as a JUnit 5 extension. {@code @RegisterExtension static final NacosServer nacos =
 * NacosServer.shared();} gives every test class of the JVM one server, started by the first class that
 * needs it and stopped when the test run ends (the server takes ~13 s to start on two cores); isolate
 * test classes by a Nacos namespace (tenant), group or Governor namespace of their own.
 * {@link #dedicated()} starts a server for one class only (started before all its tests, stopped after
 * them), and is also usable with try-with-resources: {@code try (NacosServer s =
 * NacosServer.dedicated().start()) {...}}.
 *
 * <p>The jar is found by {@link JarServer#locate}: {@code -Dgovernor.nacos.server.jar}, then
 * {@code $GOVERNOR_NACOS_SERVER_JAR}, then {@code shared/servers/nacos/nacos-server-2.5.1.jar} beside
 * the project; a missing jar fails the tests with a message saying how to get it. To use a server
 * that already runs (your own, or a container), set {@code -Dgovernor.nacos.address=host:port} or
 * {@code $GOVERNOR_NACOS_ADDRESS} (the HTTP port; the client's gRPC port is that + 1000): nothing is
 * started then, and {@link #dedicated()} servers are that server too, except those given
 * {@link #jvmArgs} (a server configured differently, e.g. with authentication), which are always
 * started from the jar.
 *
 * <p>Ports: Nacos listens on its HTTP port p (loopback), and on p - 1000 (Raft), p + 1000 (client
 * gRPC) and p + 1001 (cluster gRPC) on every interface, with no setting to change that: all four are
 * chosen free.
 *
 * <p>Not thread-safe: start and stop from one thread.
 */
public final class NacosServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** System property naming the server jar. */
    public static final String JAR_PROPERTY = "governor.nacos.server.jar";
    /** Environment variable naming the server jar. */
    public static final String JAR_ENV = "GOVERNOR_NACOS_SERVER_JAR";
    /** System property with the {@code host:port} of a running server to use instead of starting one. */
    public static final String ADDRESS_PROPERTY = "governor.nacos.address";
    /** Environment variable with the {@code host:port} of a running server. */
    public static final String ADDRESS_ENV = "GOVERNOR_NACOS_ADDRESS";
    /** The jar below {@code shared/servers/}. */
    public static final String JAR_PATH = "nacos/nacos-server-2.5.1.jar";
    /** How long a start waits for readiness: ~13 s on two idle cores, much more on a loaded machine. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /** Starts tried before giving up, each with fresh ports and home directory. */
    private static final int START_ATTEMPTS = 3;
    private static final String READINESS = "/nacos/v1/console/health/readiness";
    private static final int GRPC_OFFSET = 1000;
    private static final int PORT_ATTEMPTS = 200;
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NacosServer.class);

    private final boolean shared;
    private final List<String> extraJvmArgs = new ArrayList<>();
    private JarServer process;
    private String address;

    private NacosServer(boolean shared) {
        this.shared = shared;
    }

    /** One server for every test class of this JVM that asks for it; stopped when the test run ends. */
    public static NacosServer shared() {
        return new NacosServer(true);
    }

    /** A server of its own, started by {@link #start()} or before all tests of the class. */
    public static NacosServer dedicated() {
        return new NacosServer(false);
    }

    /** Adds JVM options (e.g. {@code -Dnacos.core.auth.enabled=true}) to a dedicated server; call before starting. */
    public NacosServer jvmArgs(String... args) {
        if (shared) {
            throw new IllegalStateException("the shared Nacos server takes no options");
        }
        extraJvmArgs.addAll(List.of(args));
        return this;
    }

    /** The server's {@code host:port} (the HTTP port), as {@code serverLists} takes it. */
    public String address() {
        if (address == null) {
            throw new IllegalStateException("the Nacos server is not started");
        }
        return address;
    }

    /** The HTTP port. */
    public int httpPort() {
        return Integer.parseInt(address().substring(address().lastIndexOf(':') + 1));
    }

    /** The port the Nacos client speaks gRPC to: the HTTP port + 1000. */
    public int grpcPort() {
        return httpPort() + GRPC_OFFSET;
    }

    /** Whether this server was started here (false when it is an external one named by address). */
    public boolean launched() {
        return process != null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            address = context.getRoot().getStore(STORE)
                    .getOrComputeIfAbsent(Holder.class, k -> new Holder(dedicated().start()), Holder.class).server.address();
        } else {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared) {
            close();
        }
    }

    /**
     * Starts the server (or takes the configured external address) and returns once it is ready.
     *
     * @throws IllegalStateException when the jar cannot be found (saying how to get it), or the server
     *         does not become ready within {@link #START_TIMEOUT} (with the tail of its log)
     */
    public NacosServer start() {
        if (shared) {
            throw new IllegalStateException("the shared Nacos server is started by JUnit: register it with @RegisterExtension");
        }
        if (address != null) {
            return this;
        }
        String external = configured(ADDRESS_PROPERTY, ADDRESS_ENV);
        if (external != null && extraJvmArgs.isEmpty()) {
            address = external;
            return this;
        }
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeHttpPort();
            // nacos.home is relative to the working directory, which is the JarServer's own temporary directory
            process = JarServer.builder("nacos", JarServer.locate("Nacos 2.5.1", JAR_PROPERTY, JAR_ENV, JAR_PATH))
                    .jvmArgs("-Xms256m", "-Xmx768m", "-Dnacos.standalone=true", "-Dnacos.home=nacos-home",
                            "-Dserver.port=" + port, "-Dserver.address=127.0.0.1", "-Dnacos.inetutils.ip-address=127.0.0.1")
                    .jvmArgs(extraJvmArgs.toArray(String[]::new))
                    .build();
            try {
                process.start("http://127.0.0.1:" + port + READINESS, START_TIMEOUT);
                address = "127.0.0.1:" + port;
                return this;
            } catch (IllegalStateException e) {
                // on a loaded machine its embedded Derby was seen to miss its fixed 10 s login timeout and exit
                process.close();
                process = null;
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
            }
        }
        throw failure;
    }

    /** Stops the server by process id and deletes its home directory; an external server is left alone. Idempotent. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
        address = null;
    }

    private static String configured(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** An HTTP port p such that p - 1000, p + 1000 and p + 1001 are free too. */
    private static int freeHttpPort() {
        for (int i = 0; i < PORT_ATTEMPTS; i++) {
            int p = Ports.reserve(1)[0];
            if (p - GRPC_OFFSET > 1024 && p + GRPC_OFFSET + 1 <= 65_535 && Ports.bindable(p - GRPC_OFFSET)
                    && Ports.bindable(p + GRPC_OFFSET) && Ports.bindable(p + GRPC_OFFSET + 1)) {
                return p;
            }
        }
        throw new IllegalStateException("no free port p with p-1000, p+1000 and p+1001 free after " + PORT_ATTEMPTS + " tries");
    }

    /** The shared server in JUnit's root store: closed when the test run ends. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        private final NacosServer server;

        Holder(NacosServer server) {
            this.server = server;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
