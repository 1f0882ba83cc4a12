package io.governor.bench.support;

import java.util.Arrays;
import java.util.Collection;

/**
 * A latency distribution from samples in nanoseconds: p50 / p99 / max (nearest-rank percentiles).
 * Immutable and thread-safe.
 */
public record Stats(int count, long p50Nanos, long p99Nanos, long maxNanos, long meanNanos) {

    public static Stats of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        long sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Stats(s.length, rank(s, 0.50), rank(s, 0.99), s[s.length - 1], sum / s.length);
    }

    public static Stats of(Collection<Long> nanos) {
        return of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    private static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Milliseconds with one decimal. */
    public static String ms(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }

    /** "p50 / p99 / max" in milliseconds. */
    public String millis() {
        return ms(p50Nanos) + " / " + ms(p99Nanos) + " / " + ms(maxNanos);
    }
}
