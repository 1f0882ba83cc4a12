package io.governor.bench.hotpath;

import org.openjdk.jmh.util.ListStatistics;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.util.function.IntFunction;

/**
 * A cross-check of the JMH figures that stands up to a busy machine: raw and governed run in one
 * JVM in alternating batches (raw-governed, then governed-raw, ...), and each pair of neighbouring
 * batches gives one ratio of <em>thread CPU time</em> per operation. Time the thread spends
 * descheduled by other load counts on neither side, and slow phases hit both sides of a pair alike.
 * What it cannot remove: cache and core sharing with other processes, which still adds spread.
 *
 * <p>Both sides go through the same call sites ({@link HotPathBenchmark#selectOne}), which see two
 * receiver types each; the small cost of that is paid by both sides.
 *
 * <p>Single-threaded; not thread-safe.
 */
final class Paired {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The mean of the per-pair ratios (governed / raw CPU time per op) and its 99.9% half-width. */
    record Ratio(double mean, double error, double median, int pairs) {
    }

    private Paired() {
    }

    /**
     * @param raw      the baseline side: index of the batch's operation → data source (lets case b
     *                 alternate replica pools)
     * @param governed the governed data source
     */
    static Ratio measure(IntFunction<DataSource> raw, DataSource governed, boolean readOnly, long warmupMillis,
                         int pairs, long batchCpuMillis) throws SQLException {
        long until = System.nanoTime() + warmupMillis * 1_000_000;
        int ops = 1000;
        while (System.nanoTime() < until) {
            batch(raw, null, readOnly, ops);
            batch(null, governed, readOnly, ops);
        }
        // size a batch to about batchCpuMillis of raw CPU time
        long cpu = batch(raw, null, readOnly, ops);
        ops = (int) Math.max(100, Math.min(1_000_000, ops * (batchCpuMillis * 1_000_000.0) / Math.max(1, cpu)));
        ListStatistics ratios = new ListStatistics();
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
        }
        return new Ratio(ratios.getMean(), ratios.getMeanErrorAt(0.999), ratios.getPercentile(50), pairs);
    }

    /** Runs {@code ops} operations on one side and returns the thread CPU time they took. */
    private static long batch(IntFunction<DataSource> raw, DataSource governed, boolean readOnly, int ops)
            throws SQLException {
        int sink = 0;
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (raw != null) {
            for (int i = 0; i < ops; i++) {
                sink += HotPathBenchmark.selectOne(raw.apply(i), readOnly);
            }
        } else {
            for (int i = 0; i < ops; i++) {
                sink += HotPathBenchmark.selectOne(governed, readOnly);
            }
        }
        long t = THREADS.getCurrentThreadCpuTime() - t0;
        if (sink != ops) {
            throw new IllegalStateException("SELECT 1 returned something else");
        }
        return t;
    }
}
