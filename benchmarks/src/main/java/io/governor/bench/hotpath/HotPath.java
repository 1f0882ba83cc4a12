package io.governor.bench.hotpath;

import io.governor.bench.support.BenchContext;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hot-path overhead (issue 8, item 1): JMH runs of {@link HotPathBenchmark}, the governed
 * DataSource against a raw HikariCP pool in three cases, reported as the governed / raw time per
 * operation with its error, and the allocation per operation of each side.
 *
 * <p>The run is split into rounds; each round runs every benchmark in one fresh fork (raw and
 * governed of a case back to back), and the iterations of all rounds are pooled per benchmark. On a
 * shared machine this spreads slow phases over both sides of a case instead of letting them land on
 * one side's forks. Errors are JMH's 99.9% confidence half-widths over the pooled iterations; the
 * ratio's error combines the two relative errors (root sum of squares).
 */
public final class HotPath {

    private static final double TARGET = 1.05;
    private static final long PAIRED_BATCH_CPU_MILLIS = 25;
    /** The paired A/A control: the raw side's pool in the governed side's place. */
    private static final String CONTROL = "control: raw against raw";

    /** A case: its label, its governed benchmark and the raw benchmark it is compared with. */
    private record Case(String label, String governed, String raw) {
    }

    private static final List<Case> CASES = List.of(
            new Case("a. no rule", "a_noRule_governed", "a_noRule_raw"),
            new Case("b. read/write splitting, read-only (2 replicas, round robin)", "b_readOnly_governed",
                    "b_readOnly_raw"),
            new Case("c. OpenTracing listener (ServiceLoader), no tracer registered", "c_tracingNoTracer_governed",
                    "a_noRule_raw"));

    /** The pooled measurement of one benchmark. */
    private static final class Pooled {
        final ListStatistics score = new ListStatistics();
        final ListStatistics allocNorm = new ListStatistics();
    }

    private HotPath() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int rounds = ctx.pick(1, 3);
        Options options = new OptionsBuilder()
                .include(HotPathBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                .threads(1)
                .warmupIterations(ctx.pick(3, 6))
                .warmupTime(TimeValue.milliseconds(ctx.pick(500, 1000)))
                .measurementIterations(ctx.pick(4, 8))
                .measurementTime(TimeValue.milliseconds(ctx.pick(500, 1000)))
                .addProfiler(GCProfiler.class)
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .build();
        Map<String, Pooled> pooled = new LinkedHashMap<>();
        // -Dhotpath.skipJmh=true: only the paired cross-check (for working on it)
        for (int round = 1; round <= rounds && !Boolean.getBoolean("hotpath.skipJmh"); round++) {
            System.out.printf("hotpath: round %d of %d%n", round, rounds);
            for (RunResult r : new Runner(options).run()) {
                String method = r.getParams().getBenchmark();
                method = method.substring(method.lastIndexOf('.') + 1);
                Pooled p = pooled.computeIfAbsent(method, k -> new Pooled());
                for (BenchmarkResult b : r.getBenchmarkResults()) {
                    for (IterationResult it : b.getIterationResults()) {
                        p.score.addValue(it.getPrimaryResult().getScore());
                        for (Map.Entry<String, Result> e : it.getSecondaryResults().entrySet()) {
                            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                                p.allocNorm.addValue(e.getValue().getScore());
                            }
                        }
                    }
                }
            }
        }
        Map<String, Paired.Ratio> paired = paired(ctx);
        String table = table(pooled, paired, rounds, options, ctx) + overhead(ctx);
        ctx.report("hotpath", table);
    }

    /**
     * Governor's own cost per connection in nanoseconds ({@link OverheadBenchmark}: the same calls over
     * a pool that does nothing), as a table section.
     */
    private static String overhead(BenchContext ctx) throws Exception {
        int forks = ctx.pick(1, 3);
        Options o = new OptionsBuilder()
                .include(OverheadBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(forks)
                .threads(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(ctx.pick(3, 5))
                .measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Map<String, double[]> byMethod = new LinkedHashMap<>();
        for (RunResult r : new Runner(o).run()) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            byMethod.put(method, new double[] {primary.getScore(), primary.getScoreError(),
                alloc == null ? Double.NaN : alloc.getScore()});
        }
        StringBuilder md = new StringBuilder();
        md.append("\n#### Governor's own cost per connection, over a pool that does nothing\n\n");
        md.append("| case | null pool directly (ns/op) | governed over null pools (ns/op) | Governor's cost (ns) | "
                + "alloc B/op raw → governed |\n|---|---:|---:|---:|---:|\n");
        String[][] cases = {{"a. no rule", "a_noRule"}, {"b. read/write splitting, read-only", "b_readOnly"}};
        for (String[] c : cases) {
            double[] raw = byMethod.get(c[1] + "_raw");
            double[] gov = byMethod.get(c[1] + "_governed");
            md.append(fmt("| %s | %.1f ± %.1f | %.1f ± %.1f | %.1f | %.0f → %.0f |%n", c[0], raw[0], raw[1], gov[0],
                    gov[1], gov[0] - raw[0], raw[2], gov[2]));
        }
        md.append(fmt("%n`OverheadBenchmark`: the hot path's calls on `NullPool`, which hands out one preallocated "
                + "connection whose statement returns one preallocated row, against a governed data source over "
                + "such pools. JMH average time, %d fork(s), 3 × 1 s warm-up, %d × 1 s measurement; errors are "
                + "99.9%% half-widths. Escape analysis can remove the governed statement here (it cannot around a "
                + "real driver), and the atomic operations are cheaper than next to a real driver's stores.%n",
                forks, o.getMeasurementIterations().orElse(0)));
        return md.toString();
    }

    /**
     * The paired CPU-time cross-check of each case (see {@link Paired}), each case in fresh JVMs of
     * its own ({@link PairedFork}), the pairs of all its forks pooled.
     */
    private static Map<String, Paired.Ratio> paired(BenchContext ctx) throws Exception {
        Map<String, Paired.Ratio> out = new LinkedHashMap<>();
        String[] ids = {"a", "b", "c"};
        int forks = ctx.pick(1, 3);
        Map<String, List<Paired.Ratio>> runs = new LinkedHashMap<>();
        // forks of the cases interleaved (a b c a b c ...), so a slow phase of the machine hits all
        for (int f = 0; f < forks; f++) {
            for (int i = 0; i < ids.length; i++) {
                runs.computeIfAbsent(CASES.get(i).label(), k -> new ArrayList<>()).add(fork(ids[i], ctx));
            }
            runs.computeIfAbsent(CONTROL, k -> new ArrayList<>()).add(fork("control", ctx));
        }
        for (Case c : CASES) {
            out.put(c.label(), Paired.Ratio.pool(runs.get(c.label())));
        }
        out.put(CONTROL, Paired.Ratio.pool(runs.get(CONTROL)));
        out.forEach((k, v) -> System.out.printf(Locale.ROOT,
                "hotpath paired: %s: %.3f ± %.3f (median %.3f; per op raw %.0f ns %.0f B, governed %.0f ns %.0f B)%n",
                k, v.mean(), v.error(), v.median(), v.rawNanos(), v.rawBytes(), v.governedNanos(), v.governedBytes()));
        return out;
    }

    /** Runs {@link PairedFork} for one case in a new JVM with this one's heap and GC settings. */
    private static Paired.Ratio fork(String id, BenchContext ctx) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms1g", "-Xmx4g", "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                PairedFork.class.getName(), id, Long.toString(pairedWarmupMillis(ctx)), Integer.toString(pairs(ctx)),
                Long.toString(PAIRED_BATCH_CPU_MILLIS)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("PAIRED ")) {
                    result = line;
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || result == null) {
            p.destroyForcibly();
            throw new IllegalStateException("paired fork of case " + id + " failed (exit "
                    + (p.isAlive() ? "none" : p.exitValue()) + ")");
        }
        String[] f = result.split(" ");
        double[] each = new double[f.length - 5];
        for (int i = 0; i < each.length; i++) {
            each[i] = Double.parseDouble(f[i + 5]);
        }
        ListStatistics s = new ListStatistics(each);
        return new Paired.Ratio(s.getMean(), s.getMeanErrorAt(0.999), s.getPercentile(50), each.length,
                Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                each);
    }

    private static long pairedWarmupMillis(BenchContext ctx) {
        return ctx.pick(2000, 4000);
    }

    private static int pairs(BenchContext ctx) {
        return ctx.pick(20, 60);
    }

    private static String table(Map<String, Pooled> pooled, Map<String, Paired.Ratio> paired, int rounds, Options o,
                                BenchContext ctx) {
        StringBuilder md = new StringBuilder();
        md.append("### Hot path: getConnection() + SELECT 1 + close, H2 in-memory, HikariCP\n\n");
        md.append("| case | raw ops/ms | governed ops/ms | governed/raw time ratio | ≤ ").append(TARGET)
                .append(" | paired CPU-time ratio (raw → governed per op) | alloc B/op raw → governed |\n");
        md.append("|---|---:|---:|---:|:-:|---:|---:|\n");
        for (Case c : CASES) {
            md.append("| ").append(c.label()).append(" | ").append(jmhCells(pooled.get(c.raw()), pooled.get(c.governed()),
                    paired.get(c.label()))).append(" |\n");
        }
        md.append("\n");
        md.append(fmt("JMH %s, throughput, 1 thread; %d round(s), each one fresh fork per benchmark (raw and governed "
                        + "of a case back to back) with %d × %s warm-up and %d × %s measurement; %d iterations pooled "
                        + "per benchmark. Errors: 99.9%% confidence half-widths; the ratio's error is the root sum of "
                        + "squares of the two relative errors. Fork JVM: %s. Allocation: JMH gc profiler, "
                        + "gc.alloc.rate.norm; \"paired\" is the same JVM's thread allocation counter over one batch "
                        + "per side. Case c's raw side is case a's raw benchmark (identical calls).%n",
                org.openjdk.jmh.util.Version.getPlainVersion(),
                rounds, o.getWarmupIterations().orElse(0), o.getWarmupTime().orElse(null),
                o.getMeasurementIterations().orElse(0), o.getMeasurementTime().orElse(null),
                rounds * o.getMeasurementIterations().orElse(0), String.join(" ", o.getJvmArgs().orElse(List.of()))));
        md.append("\nBoth sides use HikariCP with maximumPoolSize ").append(HotPathBenchmark.POOL_SIZE)
                .append(", connectionTimeout ").append(HotPathBenchmark.CONNECTION_TIMEOUT_MS)
                .append(" ms, on `jdbc:h2:mem:` databases kept open by the fixture; the governed side runs on the "
                        + "`memory` repository. Case b's raw side picks one of two replica pools round robin itself, "
                        + "as an application without Governor would.\n");
        md.append(fmt("%nPaired CPU-time ratio: a cross-check that a busy machine disturbs less. Each case runs in "
                + "%d fresh JVM(s) of its own (cases interleaved), and in each, raw and governed run in alternating batches of about %d ms of CPU (order swapped every pair) after a "
                + "warm-up of at least %d ms that lasts until the JIT has compiled nothing for two seconds; each pair "
                + "gives governed / raw thread CPU time per operation; shown: mean of all forks' pairs (%d per fork) ± 99.9%% "
                + "half-width. Both sides run on the same pools: Governor builds its pools (HikariCP's data source "
                + "under a subclass that can be found by URL, `SharedHikari`), and the raw side calls those very "
                + "pools, so the two sides share the pool, its connections and the H2 sessions.%n",
                ctx.pick(1, 3), PAIRED_BATCH_CPU_MILLIS, pairedWarmupMillis(ctx), pairs(ctx)));
        Paired.Ratio control = paired.get(CONTROL);
        if (control != null) {
            md.append(fmt("%nA/A control, measured the same way with the raw side's pool, called from the governed "
                    + "side's code, in the governed side's place: %.3f ± %.3f (median %.3f). It is the harness's own "
                    + "bias and spread; a governed ratio within it of 1.05 cannot be told from 1.05.%n", control.mean(),
                    control.error(), control.median()));
        }
        return md.toString();
    }

    /** The cells after the case label; JMH cells are blank when JMH was skipped. */
    private static String jmhCells(Pooled r, Pooled g, Paired.Ratio p) {
        String pairedVerdict = p == null ? "–" : verdict(p.mean(), p.error());
        if (r == null || g == null) {
            return "– | – | – | paired " + pairedVerdict + " | " + paired(p) + " | –" + alloc(p);
        }
        double rawMean = r.score.getMean();
        double govMean = g.score.getMean();
        double rawErr = r.score.getMeanErrorAt(0.999);
        double govErr = g.score.getMeanErrorAt(0.999);
        double ratio = rawMean / govMean;
        double ratioErr = ratio * Math.sqrt(sq(rawErr / rawMean) + sq(govErr / govMean));
        return fmt("%.1f ± %.1f | %.1f ± %.1f | %.3f ± %.3f | JMH %s, paired %s | %s | %.0f → %.0f (+%.0f)%s",
                rawMean, rawErr, govMean, govErr, ratio, ratioErr, verdict(ratio, ratioErr), pairedVerdict, paired(p),
                r.allocNorm.getMean(), g.allocNorm.getMean(), g.allocNorm.getMean() - r.allocNorm.getMean(), alloc(p));
    }

    private static String alloc(Paired.Ratio p) {
        return p == null ? "" : fmt("; paired: %.0f → %.0f (+%.0f)", p.rawBytes(), p.governedBytes(),
                p.governedBytes() - p.rawBytes());
    }

    private static String verdict(double ratio, double error) {
        return ratio + error <= TARGET ? "yes" : ratio <= TARGET ? "yes (within error)" : "**no**";
    }

    private static String paired(Paired.Ratio p) {
        return p == null ? "–" : fmt("%.3f ± %.3f (%.0f → %.0f ns CPU)", p.mean(), p.error(), p.rawNanos(),
                p.governedNanos());
    }

    private static double sq(double x) {
        return x * x;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
