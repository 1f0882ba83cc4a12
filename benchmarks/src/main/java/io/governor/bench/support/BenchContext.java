package io.governor.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What one benchmark run shares: the mode ({@code quick} or {@code full}), the backends asked for,
 * the servers (started on first use, stopped at the end) and where the reports go.
 * Not thread-safe; used from the run's main thread.
 */
public final class BenchContext implements AutoCloseable {

    private final String mode;
    private final List<String> backends;
    private final Servers servers = new Servers();
    private final Path resultsDir;

    public BenchContext(String mode, List<String> backends) {
        this.mode = mode;
        this.backends = List.copyOf(backends);
        this.resultsDir = Path.of(System.getProperty("bench.results", "benchmarks/results"));
    }

    /** True for the short runs that only check the harness. */
    public boolean quick() {
        return mode.equals("quick");
    }

    public String mode() {
        return mode;
    }

    /** {@code quick ? quickValue : fullValue}. */
    public int pick(int quickValue, int fullValue) {
        return quick() ? quickValue : fullValue;
    }

    /** The backends to measure, in the order asked, from {@code memory}, {@code zookeeper}, {@code etcd}. */
    public List<String> backends() {
        return backends;
    }

    public Servers servers() {
        return servers;
    }

    public String machine() {
        return Machine.describe();
    }

    /** The command line that started this run, for the reports. */
    public String command() {
        return System.getProperty("bench.command", "scripts/bench.sh " + mode);
    }

    /** {@link #report(String, String)} of {@code markdown} followed by each of {@code notes} as a paragraph. */
    public void report(String area, StringBuilder markdown, List<String> notes) {
        for (String n : notes) {
            markdown.append("\n").append(n).append('\n');
        }
        report(area, markdown.toString());
    }

    /**
     * Writes {@code markdown} (a table and its notes) to {@code results/<area>-<mode>.md} under a
     * header naming the command, the date and the machine, and echoes it to stdout.
     */
    public void report(String area, String markdown) {
        String header = "<!-- written by " + command() + " -->\n"
                + "Command: `" + command() + "`  \n"
                + "Run: " + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19)
                + " UTC, mode " + mode + "  \n"
                + "Machine: " + machine() + "\n\n";
        String text = header + markdown.strip() + "\n";
        try {
            Files.createDirectories(resultsDir);
            Files.writeString(resultsDir.resolve(area + "-" + mode + ".md"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(text);
    }

    @Override
    public void close() {
        servers.close();
    }
}
