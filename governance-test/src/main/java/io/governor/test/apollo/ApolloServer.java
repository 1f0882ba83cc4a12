package io.governor.test.apollo;

import io.governor.test.Backoff;
import io.governor.test.Ports;
import io.governor.test.server.JarServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Apollo 2.4.0 for tests: the all-in-one assembly (config service, admin service and portal
 * in one JVM on an in-memory H2 database) on free loopback ports, set up for a client: an app, an
 * OpenAPI consumer whose token has the app's role. The environment is {@link #ENV}.
 *
 * <p><b>Where the server comes from.</b> By default the jar
 * ({@code shared/servers/apollo/apollo-assembly-2.4.0.jar} beside the project, or the file named by
 * {@code -D}{@value #JAR_PROPERTY} or {@code $}{@value #JAR_ENV}) is started in a child JVM and
 * stopped by process id. To use a server that is already running (your own, or a container), set
 * {@code -D}{@value #PORTAL_PROPERTY}{@code =http://host:8070} and
 * {@code -D}{@value #CONFIG_SERVICE_PROPERTY}{@code =http://host:8080}, and, if the portal's admin
 * is not {@code apollo} / {@code admin}, {@value #USER_PROPERTY} and {@value #PASSWORD_PROPERTY}.
 * When the jar cannot be found the test fails with a message saying where to get it; nothing is
 * skipped.
 *
 * <p><b>Use.</b> {@link #shared()} is one server per test JVM, started by the first test class
 * that registers it ({@code @RegisterExtension static final ApolloServer APOLLO = ApolloServer.shared();})
 * and stopped when the JVM's tests end (JUnit closes it with the root context): the Apollo client is JVM-wide, and starting the server takes
 * about 22 s and 700 MB. Test classes isolate themselves by a governor namespace (an item-key prefix)
 * or by {@link #createApp(String)}. {@link #launch(int)} starts a private server, for
 * try-with-resources ({@code try (ApolloServer s = ApolloServer.launch(1000)) {...}}).
 *
 * <p><b>Settings</b> that differ from the assembly's: the config service scans for new releases
 * every {@value #TEST_SCAN_INTERVAL_MILLIS} ms for {@link #shared()} ({@value #SCAN_INTERVAL_PROPERTY};
 * Apollo's default is 1000), and the release history keeps 20 releases per namespace. A running
 * server given by {@value #PORTAL_PROPERTY} keeps its own settings.
 *
 * <p>The namespace {@code application} of the app is <em>not</em> released here: the repository
 * must open a never-released namespace by itself.
 *
 * <p>Thread-safe: starting is synchronized; the accessors read fields set once.
 */
public final class ApolloServer implements AutoCloseable, BeforeAllCallback {

    /** The jar's location, as a system property. */
    public static final String JAR_PROPERTY = "governor.apollo.server.jar";
    /** The jar's location, as an environment variable. */
    public static final String JAR_ENV = "GOVERNOR_APOLLO_SERVER_JAR";
    /** A running server's portal URL: set it (with {@link #CONFIG_SERVICE_PROPERTY}) to start nothing. */
    public static final String PORTAL_PROPERTY = "governor.apollo.portal";
    /** A running server's config service (meta server) URL. */
    public static final String CONFIG_SERVICE_PROPERTY = "governor.apollo.config-service";
    /** The portal's admin user for a running server; {@code apollo} by default. */
    public static final String USER_PROPERTY = "governor.apollo.user";
    /** The portal's admin password for a running server; {@code admin} by default. */
    public static final String PASSWORD_PROPERTY = "governor.apollo.password";
    /** The one environment the assembly serves. */
    public static final String ENV = "LOCAL";
    /** The app every test JVM uses by default: the {@code app.id} the module's surefire settings give. */
    public static final String DEFAULT_APP_ID = "governor-test";
    /** How long {@link #start()} waits for the server. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /**
     * How often the config service of {@link #shared()} scans for new releases, in ms, as a system
     * property; {@value #TEST_SCAN_INTERVAL_MILLIS} by default. Apollo's default is 1000: a release
     * reaches clients up to a second later, and the contract kit's write-then-read loops take about
     * a second per step (its longest test ~100 s of its 120 s limit).
     */
    public static final String SCAN_INTERVAL_PROPERTY = "governor.apollo.message-scan-interval";
    /** The scan interval of the tests' server. */
    public static final int TEST_SCAN_INTERVAL_MILLIS = 200;
    /** Apollo's default scan interval ({@code apollo.message-scan.interval}). */
    public static final int DEFAULT_SCAN_INTERVAL_MILLIS = 1000;
    /** The release history keeps the last 20 releases per namespace (Apollo keeps all by default). */
    static final String RELEASE_HISTORY_RETENTION = "--apollo.release-history.retention.size=20";

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static ApolloServer shared;

    private final String appId;
    private final int scanIntervalMillis;
    private JarServer process;
    private HttpClient portalSession;
    private String portalUrl;
    private String configServiceUrl;
    private String token;

    private ApolloServer(String appId, int scanIntervalMillis) {
        this.appId = appId;
        this.scanIntervalMillis = scanIntervalMillis;
    }

    /**
     * The JVM's one server, not started yet: register it as an extension, or call {@link #start()}.
     * It stays up until the JVM exits (a shutdown hook stops the child process).
     */
    public static synchronized ApolloServer shared() {
        if (shared == null) {
            shared = new ApolloServer(System.getProperty("app.id", DEFAULT_APP_ID),
                    Integer.getInteger(SCAN_INTERVAL_PROPERTY, TEST_SCAN_INTERVAL_MILLIS));
        }
        return shared;
    }

    /**
     * Starts a private server (or connects to a running one) and returns it ready; its config
     * service scans for releases every {@code scanIntervalMillis} (a started server only).
     */
    public static ApolloServer launch(int scanIntervalMillis) {
        return new ApolloServer(DEFAULT_APP_ID, scanIntervalMillis).start();
    }

    /** Starts the server; the shared one is stopped when every test of the JVM has run. */
    @Override
    public void beforeAll(ExtensionContext context) {
        start();
        if (this == shared) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(ApolloServer.class,
                    k -> (ExtensionContext.Store.CloseableResource) this::close);
        }
    }

    /**
     * Starts the server (once; later calls return at once) and sets it up for clients.
     *
     * @throws IllegalStateException when the jar is missing or the server does not start in
     *         {@link #START_TIMEOUT}, with the tail of its log
     */
    public synchronized ApolloServer start() {
        if (token != null) {
            return this;
        }
        String portal = System.getProperty(PORTAL_PROPERTY);
        if (portal != null && !portal.isBlank()) {
            portalUrl = trimSlash(portal);
            configServiceUrl = trimSlash(required(CONFIG_SERVICE_PROPERTY));
        } else {
            startProcess();
        }
        try {
            setUp();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        return this;
    }

    private void startProcess() {
        Path jar = JarServer.locate("Apollo 2.4.0", JAR_PROPERTY, JAR_ENV, "apollo/apollo-assembly-2.4.0.jar");
        int[] ports = Ports.reserve(3);
        configServiceUrl = "http://127.0.0.1:" + ports[0];
        portalUrl = "http://127.0.0.1:" + ports[2];
        process = JarServer.builder("apollo", jar)
                .env("SPRING_PROFILES_ACTIVE", "github,database-discovery,auth")
                .jvmArgs("-Xms256m", "-Xmx1024m", "-XX:TieredStopAtLevel=1",
                        "-Dlocal_meta=" + configServiceUrl) // the portal's address of the LOCAL environment
                .args("--server.address=127.0.0.1",
                        "--spring.cloud.inetutils.ignored-interfaces=eth0",
                        // the three services read one set of arguments: give each its port by its name
                        "--server.port=${governor.port.${spring.application.name}}",
                        "--governor.port.apollo-configservice=" + ports[0],
                        "--governor.port.apollo-adminservice=" + ports[1],
                        "--governor.port.apollo-portal=" + ports[2],
                        "--logging.file.name=apollo-assembly.log",
                        "--apollo.message-scan.interval=" + scanIntervalMillis,
                        RELEASE_HISTORY_RETENTION)
                .build();
        process.start(portalUrl + "/health", START_TIMEOUT);
    }

    /** Logs in to the portal, creates the app and an OpenAPI consumer with the app's role. */
    private void setUp() {
        portalSession = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String user = System.getProperty(USER_PROPERTY, "apollo");
        String password = System.getProperty(PASSWORD_PROPERTY, "admin");
        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(portalUrl + "/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(user) + "&password=" + encode(password)))
                .build());
        String location = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("cannot log in to the Apollo portal " + portalUrl + " as " + user
                    + " (HTTP " + login.statusCode() + ")" + logTail());
        }
        // the portal finds the admin service through the config service's registry: retry until it does
        untilOk("create app " + appId, deadline, () -> createAppRequest(appId), 400);
        String consumer = appId + "-consumer";
        HttpResponse<String> created = post("/consumers", "{\"appId\":\"" + consumer + "\",\"name\":\"governor tests\","
                + "\"orgId\":\"TEST1\",\"orgName\":\"tests\",\"ownerName\":\"" + user + "\"}");
        if (created.statusCode() == 400) { // the consumer exists (a running server used before)
            created = send(HttpRequest.newBuilder(URI.create(portalUrl + "/consumer-tokens/by-appId?appId="
                    + encode(consumer))).GET().build());
        }
        Matcher m = TOKEN.matcher(created.body());
        if (created.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("the Apollo portal " + portalUrl + " gave no OpenAPI token (HTTP "
                    + created.statusCode() + ")" + logTail());
        }
        token = m.group(1);
        grantApp(appId);
        awaitOpenApi(appId, deadline);
    }

    /**
     * Waits until the portal shows the app's cluster {@code default} in {@value #ENV}: the portal
     * copies a new app to each environment's admin service asynchronously, and finds that service
     * through the config service's registry, so a created app is not usable at once.
     */
    private void awaitOpenApi(String id, long deadline) {
        Backoff backoff = new Backoff();
        while (true) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(portalUrl + "/openapi/v1/apps/" + id
                    + "/envclusters")).header("Authorization", token).GET().build());
            if (r.statusCode() == 200 && r.body().contains("\"default\"")) {
                return;
            }
            // the copy is lost when the admin service was not found at that moment: ask for it again
            // (this endpoint takes an App, which needs the owner's e-mail; /apps fills it from the user)
            HttpResponse<String> again = post("/apps/envs/" + ENV, createAppInEnvJson(id));
            if (again.statusCode() == 400 && !again.body().contains("already exists")) { // a bad request stays bad
                throw new IllegalStateException("the Apollo portal " + portalUrl + " refused to create app " + id + " in "
                        + ENV + ": HTTP 400 " + again.body());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("app " + id + " has no cluster 'default' in " + ENV + " on the Apollo portal "
                        + portalUrl + ": HTTP " + r.statusCode() + " " + r.body() + "; creating it in " + ENV
                        + " again: HTTP " + again.statusCode() + " " + again.body() + "; the meta server lists as admin "
                        + "services: " + probe(configServiceUrl + "/services/admin") + logTail());
            }
            backoff.pause();
        }
    }

    /**
     * Creates an app (with its namespace {@code application}, never released) and gives this
     * server's OpenAPI token the app's role. An app that exists is kept.
     */
    public synchronized void createApp(String newAppId) {
        requireStarted();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        untilOk("create app " + newAppId, deadline, () -> createAppRequest(newAppId), 400);
        grantApp(newAppId);
        awaitOpenApi(newAppId, deadline);
    }

    private HttpResponse<String> createAppRequest(String id) {
        return post("/apps", createAppJson(id));
    }

    private static String createAppJson(String id) {
        return "{\"name\":\"" + id + "\",\"appId\":\"" + id + "\",\"orgId\":\"TEST1\","
                + "\"orgName\":\"tests\",\"ownerName\":\"" + System.getProperty(USER_PROPERTY, "apollo")
                + "\",\"admins\":[]}";
    }

    /** The app as {@code POST /apps/envs/{env}} takes it: an {@code App}, whose owner e-mail must not be blank. */
    static String createAppInEnvJson(String id) {
        String owner = System.getProperty(USER_PROPERTY, "apollo");
        return "{\"name\":\"" + id + "\",\"appId\":\"" + id + "\",\"orgId\":\"TEST1\",\"orgName\":\"tests\","
                + "\"ownerName\":\"" + owner + "\",\"ownerEmail\":\"" + owner + "@governor.test\"}";
    }

    private void grantApp(String id) {
        HttpResponse<String> r = post("/consumers/" + token + "/assign-role?type=AppRole", "{\"appId\":\"" + id + "\"}");
        if (r.statusCode() != 200 && r.statusCode() != 400) {
            throw new IllegalStateException("the Apollo portal did not give the OpenAPI consumer the role of app '"
                    + id + "' (HTTP " + r.statusCode() + ")");
        }
    }

    private void untilOk(String what, long deadline, java.util.function.Supplier<HttpResponse<String>> call,
                         int alsoAccepted) {
        Backoff backoff = new Backoff();
        while (true) {
            HttpResponse<String> r = call.get();
            if (r.statusCode() == 200 || r.statusCode() == alsoAccepted) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " on the Apollo portal " + portalUrl + " failed: HTTP "
                        + r.statusCode() + " " + r.body() + logTail());
            }
            backoff.pause();
        }
    }

    /** What a GET of {@code url} answers, for a failure message. */
    private String probe(String url) {
        try {
            HttpResponse<String> r = portalSession.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return "HTTP " + r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(portalUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return portalSession.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the Apollo portal " + portalUrl + ": " + e + logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up Apollo", e);
        }
    }

    /** The config service, which is also the meta server: {@code http://127.0.0.1:port}. */
    public String configServiceUrl() {
        requireStarted();
        return configServiceUrl;
    }

    /** The portal, where the OpenAPI is: {@code http://127.0.0.1:port}. */
    public String portalUrl() {
        requireStarted();
        return portalUrl;
    }

    /** The OpenAPI token, with the role of {@link #appId()} and of every app made by {@link #createApp}. Never log it. */
    public String token() {
        requireStarted();
        return token;
    }

    /** The app set up at start: the JVM's {@code app.id}, else {@value #DEFAULT_APP_ID}. */
    public String appId() {
        return appId;
    }

    /** The environment to name in clients: {@value #ENV}. */
    public String env() {
        return ENV;
    }

    /** Whether this launcher started the server process (false when pointed at a running server). */
    public boolean ownsProcess() {
        return process != null;
    }

    /** Stops the server process if this launcher started it. Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
            process = null;
        }
        token = null;
    }

    private void requireStarted() {
        if (token == null) {
            throw new IllegalStateException("the Apollo server is not started: register ApolloServer.shared() as an "
                    + "extension or call start()");
        }
    }

    private String logTail() {
        return process == null ? "" : "; server log tail:\n" + process.logTail();
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("-D" + PORTAL_PROPERTY + " names a running Apollo portal: set -D" + property
                    + " to its config service too");
        }
        return v;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
