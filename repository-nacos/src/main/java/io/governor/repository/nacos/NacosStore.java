package io.governor.repository.nacos;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.VersionedText;
import io.governor.api.repository.support.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The configurations of one tenant and group as one repository reads and writes them, made
 * consistent on a server whose reads lag its compare-and-set.
 *
 * <p>A Nacos server answers reads from a cache it refreshes from its database ~0.1 s after a write
 * (measured on 2.5.1: a publish is served 74-104 ms later, a removal up to ~1.1 s later), while
 * {@code publishConfigCas} is checked against the database. So:
 * <ul>
 *   <li>a refused compare-and-set is decided again on a fresh read, not taken for a failure
 *       ({@link Writes#update});</li>
 *   <li>an operation's writes are awaited until the server serves them ({@link Writes#awaitServed}),
 *       so reads after a write returns see it from every client of the same server;</li>
 *   <li>until then, this repository's own reads of a node it wrote return what it wrote when the
 *       server serves an older version ({@link #read}), so threads sharing the repository go on at
 *       once. Versions come from the {@link VersionedText} header that values and indexes carry.</li>
 * </ul>
 *
 * <p>Thread-safe. Every method blocks for gRPC requests, each bounded by the request timeout.
 */
final class NacosStore {

    private static final Logger LOG = LoggerFactory.getLogger(NacosStore.class);

    /**
     * How long the server's reads may lag its database, as far as a write waits for them: far above
     * the lag measured (~0.1 s for a publish, ~1.1 s for a removal). A longer {@code requestTimeout}
     * raises it (a value of megabytes was seen to take over 3 s on a loaded server).
     */
    static final Duration CACHE_LAG_LIMIT = Duration.ofSeconds(3);
    /** How long a refused compare-and-set waits for reads to change before it publishes again. */
    private static final Duration RECHECK = Duration.ofMillis(300);
    /** Rounds of compare-and-set lost to concurrent writers before {@code CONFLICT}. */
    private static final int MAX_ATTEMPTS = 200;
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The MD5 of empty content: Nacos never stores blank content, so a compare-and-set against it only creates. */
    private static final String ABSENT_MD5 = Digests.md5("");

    private final NacosClient client;
    private final NacosSettings settings;
    /** What this repository wrote that the server may not serve yet, by dataId. */
    private final Map<String, String> unserved = new ConcurrentHashMap<>();
    /** {@link #CACHE_LAG_LIMIT} or the request timeout, whichever is longer. */
    private final long lagLimitNanos;

    NacosStore(NacosClient client, NacosSettings settings) {
        this.client = client;
        this.settings = settings;
        this.lagLimitNanos = Math.max(CACHE_LAG_LIMIT.toNanos(), settings.requestTimeout.toNanos());
    }

    /**
     * The content of a dataId as the server serves it (null: absent), or what this repository wrote
     * there if the server serves an older version or nothing yet. Content without a version header
     * (written by hand or by an earlier release) reads as version 0. Safe to retry.
     */
    String read(String dataId, String operation, String key) {
        String served = client.read(dataId, operation, key);
        String mine = unserved.get(dataId);
        if (mine == null || served != null && VersionedText.version(served) >= VersionedText.version(mine)) {
            return served;
        }
        return mine;
    }

    /** The writes of one operation on {@code key}, to be awaited together at its end. */
    Writes writes(String operation, String key) {
        return new Writes(operation, key);
    }

    /** The writes of one operation. Confined to the thread running the operation. */
    final class Writes {
        private final String operation;
        private final String key;
        private final Map<String, Written> done = new LinkedHashMap<>();

        private Writes(String operation, String key) {
            this.operation = operation;
            this.key = key;
        }

        String read(String dataId) {
            return NacosStore.this.read(dataId, operation, key);
        }

        /**
         * Read, change, {@code publishConfigCas} against the MD5 of what was read, until it succeeds
         * or {@code change} declines (returns null); returns what was published, or null. After a
         * refusal it re-reads until the content differs from what it compared against
         * ({@link #awaitChange}) and decides again on that; if reads keep the same content for
         * {@link #CACHE_LAG_LIMIT}, the server refuses for another reason: {@code UNAVAILABLE},
         * nothing written. {@code CONFLICT} after {@link #MAX_ATTEMPTS} rounds lost to other writers.
         * A publish that got no answer in time may have been applied: with {@code exactOutcome} (a
         * compare-and-set, whose answer must be right) a change seen after it is
         * {@code OUTCOME_UNKNOWN}; without (a put, an index update), the loop decides again on the
         * fresh content, which may write once more.
         */
        String update(String dataId, boolean exactOutcome, UnaryOperator<String> change) {
            String current = read(dataId);
            long changed = System.nanoTime();
            boolean unanswered = false;
            for (int attempt = 1; ; attempt++) {
                String next = change.apply(current);
                if (next == null) {
                    return null;
                }
                String md5 = current == null ? ABSENT_MD5 : Digests.md5(current);
                long start = System.nanoTime();
                if (client.publishCas(dataId, next, md5, operation, key)) {
                    unserved.put(dataId, next);
                    Written earlier = done.get(dataId);
                    done.put(dataId, new Written(earlier == null ? current : earlier.before(), next));
                    return next;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw settings.checks.error(ErrorCode.CONFLICT, operation, key, "gave up after " + attempt
                            + " attempts against concurrent writers", null);
                }
                // the client answers false for a request that timed out too, which the server may have applied
                unanswered |= System.nanoTime() - start >= settings.requestTimeout.toNanos();
                String now = awaitChange(dataId, current);
                if (!Objects.equals(now, current)) {
                    if (unanswered && exactOutcome) {
                        throw settings.checks.error(ErrorCode.OUTCOME_UNKNOWN, operation, key, "a write got no answer "
                                + "within " + settings.requestTimeout + " and the content has changed since; re-read "
                                + "before retrying", null);
                    }
                    changed = System.nanoTime();
                } else if (System.nanoTime() - changed > lagLimitNanos) {
                    throw NacosErrors.refused(operation, key, settings);
                }
                current = now;
            }
        }

        /** Removes a dataId if it holds content; removing an absent one is no write. */
        void remove(String dataId) {
            String stored = read(dataId);
            if (stored != null) {
                client.remove(dataId, operation, key);
                unserved.remove(dataId);
                done.put(dataId, new Written(stored, null));
            }
        }

        /**
         * After a refused compare-and-set against {@code seen}: re-reads until the server serves other
         * content (within its cache lag if the database holds other content) or {@link #RECHECK}
         * passes, and returns the last read. Unchanged content means the refusal had another cause (a
         * lock wait in the server's database under contention was seen to), so the caller publishes
         * again.
         */
        private String awaitChange(String dataId, String seen) {
            return poll(() -> read(dataId), now -> !Objects.equals(now, seen), System.nanoTime() + RECHECK.toNanos());
        }

        /**
         * Waits until the server serves each write or a later one, so they are what every client of
         * this server reads from now on; then stops answering reads of them from {@link #unserved}.
         * Gives up with a WARN after {@link #CACHE_LAG_LIMIT}, or when a read fails: the writes are
         * done, only their visibility is late, so this never throws but for an interrupt.
         */
        void awaitServed() {
            long deadline = System.nanoTime() + lagLimitNanos;
            for (Map.Entry<String, Written> e : done.entrySet()) {
                try {
                    if (!e.getValue().servedIn(poll(() -> client.read(e.getKey(), operation, key), e.getValue()::servedIn,
                            deadline))) {
                        LOG.warn("[{}] {} '{}': the server still serves the old content of {} {} after the write; "
                                + "reads may lag", settings.logName(), operation, key, e.getKey(),
                                Duration.ofNanos(lagLimitNanos));
                    }
                } catch (GovernanceException failed) {
                    if (failed.code() == ErrorCode.INTERRUPTED) {
                        throw failed;
                    }
                    LOG.warn("[{}] {} '{}' is written, but reading it back failed; reads may lag: {}",
                            settings.logName(), operation, key, failed.getMessage());
                }
                if (e.getValue().after() != null) {
                    unserved.remove(e.getKey(), e.getValue().after());
                }
            }
        }

        /** Reads with doubling pauses until {@code done} accepts what was read or {@code deadline} passes; returns the last read. */
        private String poll(Supplier<String> read, Predicate<String> done, long deadline) {
            for (long pause = MIN_PAUSE_NANOS; ; pause = Math.min(pause * 2, MAX_PAUSE_NANOS)) {
                String now = read.get();
                if (done.test(now) || System.nanoTime() > deadline) {
                    return now;
                }
                pause(pause);
            }
        }

        private void pause(long nanos) {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw GovernanceException.interrupted(settings.checks.describe(operation, key), null);
            }
        }
    }

    /** A write: the content a dataId had before (null: absent) and the content written (null: removed). */
    private record Written(String before, String after) {

        /** Whether content the server serves shows this write or a later one, judged by the version headers. */
        boolean servedIn(String now) {
            if (after == null) {
                return now == null || VersionedText.decode(now).version() > VersionedText.decode(before).version();
            }
            return now == null ? before != null : VersionedText.decode(now).version() >= VersionedText.decode(after).version();
        }
    }
}
