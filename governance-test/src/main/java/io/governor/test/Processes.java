package io.governor.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the launchers of real test servers (etcd members, server jars) share: stopping a child
 * process and quoting the end of its log in a failure message. Stateless and thread-safe.
 */
public final class Processes {

    /** A stack frame or an elided-frames line of a logged exception. */
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ (more|common frames omitted))");

    private Processes() {
    }

    /**
     * Ends a process, if it runs: SIGKILL with {@code force}, else SIGTERM and SIGKILL after 30 s;
     * waits until it has exited.
     *
     * @throws IllegalStateException when interrupted (the interrupt flag is restored)
     */
    public static void stop(Process process, boolean force, String name) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
    }

    /**
     * The last {@code lines} lines of a log file without stack frames (a server that fails the same
     * call every few seconds would fill the tail with frames and hide the messages), or why it cannot
     * be read.
     */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !STACK_FRAME.matcher(l).lookingAt()).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }
}
