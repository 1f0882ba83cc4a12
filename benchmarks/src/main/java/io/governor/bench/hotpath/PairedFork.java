package io.governor.bench.hotpath;

import javax.sql.DataSource;
import java.util.Locale;

/**
 * One paired cross-check of one case in a JVM of its own (started by {@link HotPath}), so that no
 * case is measured in a JVM whose JIT profiles an earlier case shaped. Measured in one JVM, case a
 * came out 0.03–0.04 above case c, which runs the very same code, only because it ran first.
 *
 * <p>Arguments: case (a, b, c, or control: raw against raw), warm-up ms, pairs, batch CPU ms. Prints one line
 * {@code PAIRED rawNanos governedNanos rawBytes governedBytes ratio...}. Single-threaded.
 */
public final class PairedFork {

    private PairedFork() {
    }

    public static void main(String[] args) throws Exception {
        String which = args[0];
        long warmup = Long.parseLong(args[1]);
        int pairs = Integer.parseInt(args[2]);
        long batch = Long.parseLong(args[3]);
        Paired.Ratio r;
        // Both sides run on the same pools: Governor builds its pools as SharedHikari (HikariCP's
        // data source, findable by URL), and the raw side calls those very pools. The two sides
        // then share the pool, its connections and the H2 sessions, and differ only by Governor.
        HotPathBenchmark.GovernedState governed = switch (which) {
            case "a", "control" -> new HotPathBenchmark.GovernedPlain();
            case "b" -> new HotPathBenchmark.GovernedSplit();
            case "c" -> new HotPathBenchmark.GovernedTraced();
            default -> throw new IllegalArgumentException("unknown case " + which);
        };
        governed.poolClass = SharedHikari.class.getName();
        try {
            governed.setUp();
            DataSource[] raw = which.equals("b")
                    ? new DataSource[] {SharedHikari.of(governed.urls.get(1)), SharedHikari.of(governed.urls.get(2))}
                    : new DataSource[] {SharedHikari.of(governed.urls.get(0))};
            // A/A control: the raw pool in the governed side's place too; its ratio is the harness's own
            // bias and spread.
            DataSource measured = which.equals("control") ? raw[0] : governed.dataSource;
            r = Paired.measure(raw, measured, which.equals("b"), warmup, pairs, batch);
        } finally {
            if (governed.governance != null) {
                governed.tearDown();
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "PAIRED %.3f %.3f %.3f %.3f",
                r.rawNanos(), r.governedNanos(), r.rawBytes(), r.governedBytes()));
        for (double d : r.each()) {
            line.append(' ').append(String.format(Locale.ROOT, "%.6f", d));
        }
        System.out.println(line);
        System.exit(0);
    }
}
