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
    /** A line that reports an error: a logged ERROR, an exception's first line, Spring Boot's start-up failure. */
    private static final Pattern FIRST_ERRORS = Pattern.compile("\\bERROR\\b|Exception: |APPLICATION FAILED TO START");
    private static final int FIRST_ERROR_LINES = 8;

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
     * call every few seconds would fill the tail with frames and hide the messages), preceded by the
     * first few error lines from before them (the start-up failure that caused the repeated ones), or
     * why the log cannot be read.
     */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !STACK_FRAME.matcher(l).lookingAt()).toList();
            int from = Math.max(0, all.size() - lines);
            List<String> firstErrors = all.subList(0, from).stream()
                    .filter(l -> FIRST_ERRORS.matcher(l).find()).limit(FIRST_ERROR_LINES).toList();
            String last = String.join("\n", all.subList(from, all.size()));
            return firstErrors.isEmpty() ? last
                    : "first errors:\n" + String.join("\n", firstErrors) + "\n...\nlast lines:\n" + last;
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }
}
