package io.governor.test.server;

import io.governor.test.Backoff;
import io.governor.test.Processes;
import io.governor.test.TempDirs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real server shipped as an executable jar (Nacos, Apollo), run by tests in a child JVM: a
 * temporary working directory, a log file, readiness by polling an HTTP URL until it answers 200,
 * and a stop by process id (also from a JVM shutdown hook, so an aborted run leaves nothing behind).
 *
 * <p>The jar is found by {@link #locate}: a system property, then an environment variable, then the
 * copy kept in the workplace's {@code shared/servers/} folder, searched from the working directory
 * upwards. A jar that cannot be found fails the test with a message saying where to put it.
 *
 * <p>Not thread-safe: start and stop it from one thread (a JUnit extension or a test).
 */
public final class JarServer implements AutoCloseable {

    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Path jar;
    private final List<String> jvmArgs;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path dir;
    private final Path log;
    private Process process;
    private Thread shutdownHook;

    private JarServer(String name, Path jar, List<String> jvmArgs, List<String> args, Map<String, String> env,
                      Path dir) {
        this.name = name;
        this.jar = jar;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.dir = dir;
        this.log = dir.resolve(name + ".log");
    }

    /**
     * Finds a server jar: the system property {@code property}, else the environment variable
     * {@code envVariable}, else {@code shared/servers/<relativePath>} in the working directory or one
     * of its ancestors.
     *
     * @param what         the server's name for the error message, e.g. "Nacos 2.5.1"
     * @param relativePath the jar's path below {@code shared/servers/}
     * @throws IllegalStateException naming every place looked at and how to get the jar
     */
    public static Path locate(String what, String property, String envVariable, String relativePath) {
        String configured = System.getProperty(property);
        String origin = "-D" + property;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(envVariable);
            origin = "$" + envVariable;
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
            throw new IllegalStateException(origin + "=" + configured + " is not a file: these tests run a real "
                    + what + " server from its jar");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("servers").resolve(relativePath);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + what + " server jar: these tests run a real " + what
                + " server. Put its jar at shared/servers/" + relativePath + " beside the project, or point -D"
                + property + " or $" + envVariable + " at it (shared/servers/README.md says how it is built)");
    }

    /** A server to run from {@code jar}, with its own temporary directory. */
    public static Builder builder(String name, Path jar) {
        return new Builder(name, jar);
    }

    /** Builds a {@link JarServer}. */
    public static final class Builder {
        private final String name;
        private final Path jar;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        /** Adds JVM options, placed before {@code -jar}. */
        public Builder jvmArgs(String... values) {
            jvmArgs.addAll(List.of(values));
            return this;
        }

        /** Adds program arguments, placed after the jar. */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /** Sets an environment variable of the child process. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Creates the server's temporary directory; nothing runs until {@link JarServer#start}. */
        public JarServer build() {
            try {
                return new JarServer(name, jar, jvmArgs, args, env, Files.createTempDirectory("governor-" + name + "-"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for " + name, e);
            }
        }
    }

    /** The server's temporary directory (its working directory; deleted by {@link #close()}). */
    public Path dir() {
        return dir;
    }

    /** The child process's id; the server must be running. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return process.pid();
    }

    /** Whether the child process is alive. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the child JVM and waits until {@code readinessUrl} answers HTTP 200.
     *
     * @throws IllegalStateException when the process exits or is not ready within {@code timeout},
     *         with the tail of its log
     */
    public JarServer start(String readinessUrl, Duration timeout) {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " from " + jar, e);
        }
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::kill, "governor-test-" + name + "-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        awaitReady(readinessUrl, System.nanoTime() + timeout.toNanos());
        return this;
    }

    private void awaitReady(String url, long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Backoff backoff = new Backoff();
        String last = "no answer";
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " while starting; log tail:\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name + " not ready at " + url + " in time (last answer: " + last
                        + "); log tail:\n" + logTail());
            }
            backoff.pause();
        }
    }

    /** Kills the process (SIGKILL) and waits for it to exit; nothing else is cleaned up. */
    public void kill() {
        Processes.stop(process, true, name);
    }

    /** Stops the process (SIGTERM, then SIGKILL after 30 s) and waits for it to exit. */
    public void stop() {
        Processes.stop(process, false, name);
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail() {
        return Processes.tail(log, LOG_TAIL_LINES);
    }

    /** Kills the process and deletes its directory. Idempotent. */
    @Override
    public void close() {
        kill();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
            shutdownHook = null;
        }
        TempDirs.deleteRecursively(dir);
    }
}
