package io.governor.bench.hotpath;

import org.openjdk.jmh.util.ListStatistics;

import javax.sql.DataSource;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A cross-check of the JMH figures that stands up to a busy machine: raw and governed run in one
 * JVM in alternating batches (raw-governed, then governed-raw, ...), and each pair of neighbouring
 * batches gives one ratio of <em>thread CPU time</em> per operation. Time the thread spends
 * descheduled by other load counts on neither side, and slow phases hit both sides of a pair alike.
 * What it cannot remove: cache and core sharing with other processes, which still adds spread.
 *
 * <p>Warm-up lasts until the JIT has settled (nothing compiled for two seconds), as a busy machine
 * delays compilation by seconds.
 *
 * <p>Each side has its own copy of the calling code ({@link #rawOnce}, {@link #governedOnce}), so each
 * call site sees one receiver type, as in an application that uses one kind of DataSource, and the
 * JIT compiles each side as it would alone. (With one shared call site, the first case measured in
 * a JVM came out up to 1.5 while the same case measured later came out 1.08: the shared site's
 * profile, not the library, decided.)
 *
 * <p>Single-threaded; not thread-safe.
 */
final class Paired {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The mean of the per-pair ratios (governed / raw CPU time per op) and its 99.9% half-width. */
    record Ratio(double mean, double error, double median, int pairs, double rawNanos, double governedNanos,
                 double rawBytes, double governedBytes, double[] each) {

        /** The ratios of several runs (forks) pooled: per-pair ratios together, per-op figures averaged. */
        static Ratio pool(List<Ratio> runs) {
            int n = 0;
            for (Ratio r : runs) {
                n += r.each().length;
            }
            double[] each = new double[n];
            int k = 0;
            double rawNanos = 0;
            double governedNanos = 0;
            double rawBytes = 0;
            double governedBytes = 0;
            for (Ratio r : runs) {
                for (double d : r.each()) {
                    each[k++] = d;
                }
                rawNanos += r.rawNanos() / runs.size();
                governedNanos += r.governedNanos() / runs.size();
                rawBytes += r.rawBytes() / runs.size();
                governedBytes += r.governedBytes() / runs.size();
            }
            ListStatistics all = new ListStatistics(each);
            return new Ratio(all.getMean(), all.getMeanErrorAt(0.999), all.getPercentile(50), each.length, rawNanos,
                    governedNanos, rawBytes, governedBytes, each);
        }
    }

    private Paired() {
    }

    /**
     * @param raw      the baseline side's pools, used in turn (case b alternates two replica pools)
     * @param governed the governed data source
     */
    static Ratio measure(DataSource[] raw, DataSource governed, boolean readOnly, long warmupMillis,
                         int pairs, long batchCpuMillis) throws SQLException {
        int ops = 1000;
        warmUp(raw, governed, readOnly, warmupMillis, ops);
        // size a batch to about batchCpuMillis of raw CPU time
        long cpu = batch(raw, null, readOnly, ops);
        ops = (int) Math.max(100, Math.min(1_000_000, ops * (batchCpuMillis * 1_000_000.0) / Math.max(1, cpu)));
        ListStatistics ratios = new ListStatistics();
        double[] each = new double[pairs];
        long rawCpu = 0;
        long governedCpu = 0;
        for (int i = 0; i < pairs; i++) {
            long r;
            long g;
            if ((i & 1) == 0) {
                r = batch(raw, null, readOnly, ops);
                g = batch(null, governed, readOnly, ops);
            } else {
                g = batch(null, governed, readOnly, ops);
                r = batch(raw, null, readOnly, ops);
            }
            ratios.addValue((double) g / r);
            each[i] = (double) g / r;
            rawCpu += r;
            governedCpu += g;
        }
        return new Ratio(ratios.getMean(), ratios.getMeanErrorAt(0.999), ratios.getPercentile(50), pairs,
                (double) rawCpu / pairs / ops, (double) governedCpu / pairs / ops,
                allocated(raw, null, readOnly, ops), allocated(null, governed, readOnly, ops), each);
    }

    /** Bytes allocated per operation by this thread over one batch. */
    private static double allocated(DataSource[] raw, DataSource governed, boolean readOnly, int ops)
            throws SQLException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) THREADS;
        long b0 = threads.getCurrentThreadAllocatedBytes();
        batch(raw, governed, readOnly, ops);
        return (double) (threads.getCurrentThreadAllocatedBytes() - b0) / ops;
    }

    /**
     * Runs both sides for at least {@code minMillis} and then until the JIT has compiled nothing for
     * two seconds (on a busy machine its threads lag far behind), at most 60 s.
     */
    private static void warmUp(DataSource[] raw, DataSource governed, boolean readOnly, long minMillis, int ops)
            throws SQLException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long lastCheck = start;
        long compiled = jit.getTotalCompilationTime();
        int quietSeconds = 0;
        for (;;) {
            batch(raw, null, readOnly, ops);
            batch(null, governed, readOnly, ops);
            long now = System.nanoTime();
            if (now - lastCheck >= 1_000_000_000L) {
                long c = jit.getTotalCompilationTime();
                quietSeconds = c == compiled ? quietSeconds + 1 : 0;
                compiled = c;
                lastCheck = now;
                if (quietSeconds >= 2 && now - start >= minMillis * 1_000_000 || now - start >= 60_000_000_000L) {
                    return;
                }
            }
        }
    }

    /** Runs {@code ops} operations on one side and returns the thread CPU time they took. */
    private static long batch(DataSource[] raw, DataSource governed, boolean readOnly, int ops)
            throws SQLException {
        int sink = 0;
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (raw != null) {
            int n = raw.length;
            for (int i = 0; i < ops; i++) {
                sink += rawOnce(raw[i % n], readOnly);
            }
        } else {
            for (int i = 0; i < ops; i++) {
                sink += governedOnce(governed, readOnly);
            }
        }
        long t = THREADS.getCurrentThreadCpuTime() - t0;
        if (sink != ops) {
            throw new IllegalStateException("SELECT 1 returned something else");
        }
        return t;
    }

    /** {@link HotPathBenchmark#selectOne}, the raw side's copy. */
    private static int rawOnce(DataSource ds, boolean readOnly) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (readOnly) {
                c.setReadOnly(true);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** {@link HotPathBenchmark#selectOne}, the governed side's copy. */
    private static int governedOnce(DataSource ds, boolean readOnly) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (readOnly) {
                c.setReadOnly(true);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
