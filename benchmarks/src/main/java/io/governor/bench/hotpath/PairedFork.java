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
        switch (which) {
            case "a", "c" -> {
                HotPathBenchmark.RawPlain raw = new HotPathBenchmark.RawPlain();
                raw.setUp();
                HotPathBenchmark.GovernedState governed = which.equals("a")
                        ? new HotPathBenchmark.GovernedPlain() : new HotPathBenchmark.GovernedTraced();
                try {
                    governed.setUp();
                    r = Paired.measure(new DataSource[] {raw.pool}, governed.dataSource, false, warmup, pairs, batch);
                } finally {
                    if (governed.governance != null) {
                        governed.tearDown();
                    }
                    raw.tearDown();
                }
            }
            case "b" -> {
                HotPathBenchmark.RawSplit raw = new HotPathBenchmark.RawSplit();
                raw.setUp();
                HotPathBenchmark.GovernedSplit governed = new HotPathBenchmark.GovernedSplit();
                try {
                    governed.setUp();
                    r = Paired.measure(raw.replicas, governed.dataSource, true, warmup, pairs, batch);
                } finally {
                    if (governed.governance != null) {
                        governed.tearDown();
                    }
                    raw.tearDown();
                }
            }
            case "control" -> {
                // A/A control: two raw pools of the same kind on two databases, the second one in the
                // governed side's place. Its ratio is the harness's own bias and spread.
                HotPathBenchmark.RawPlain raw = new HotPathBenchmark.RawPlain();
                raw.setUp();
                HotPathBenchmark.RawPlain other = new HotPathBenchmark.RawPlain();
                try {
                    other.setUp();
                    r = Paired.measure(new DataSource[] {raw.pool}, other.pool, false, warmup, pairs, batch);
                } finally {
                    if (other.pool != null) {
                        other.tearDown();
                    }
                    raw.tearDown();
                }
            }
            default -> throw new IllegalArgumentException("unknown case " + which);
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
