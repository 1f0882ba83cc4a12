package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs requests against etcd with a deadline, retrying the ones that are safe to repeat.
 *
 * <p>An <b>idempotent</b> request (read, put, delete, keep-alive, unlock) that fails because the
 * server was unreachable, had no leader, or lost its leader mid-request is sent again with a short
 * backoff until the budget (normally the request timeout) runs out; this rides out a leader change.
 * A <b>non-idempotent</b> request (compare-and-set, commit) is sent once: if its outcome is unknown
 * the caller gets {@code UNAVAILABLE} or {@code TIMEOUT} saying so, never a silent second attempt.
 *
 * <p>Blocks the calling thread. Thread-safe. On interrupt the flag is restored and
 * {@code INTERRUPTED} is thrown.
 */
final class Requests {

    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Checks checks;
    private final Duration requestTimeout;
    private final AtomicBoolean closed;

    Requests(Checks checks, Duration requestTimeout, AtomicBoolean closed) {
        this.checks = checks;
        this.requestTimeout = requestTimeout;
        this.closed = closed;
    }

    /** The repository's checks, which word every message. */
    Checks checks() {
        return checks;
    }

    /** The repository's label for log lines. */
    String where() {
        return checks.where();
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** Throws {@code CLOSED} once the repository is closed. */
    void ensureOpen(String operation, String key) {
        checks.requireOpen(closed.get(), operation, key);
    }

    /** {@code INTERRUPTED} for {@code operation} on {@code key}; restores the interrupt flag. */
    GovernanceException interrupted(String operation, String key, InterruptedException e) {
        return GovernanceException.interrupted(checks.describe(operation, key), e);
    }

    /** Runs a request that is safe to repeat, within the request timeout. */
    <T> T idempotent(String operation, String key, Supplier<CompletableFuture<T>> request) {
        return run(operation, key, true, requestTimeout, request);
    }

    /** Runs a request that must not be repeated, within the request timeout. */
    <T> T once(String operation, String key, Supplier<CompletableFuture<T>> request) {
        return run(operation, key, false, requestTimeout, request);
    }

    /**
     * Runs {@code request} within {@code budget}.
     *
     * @throws GovernanceException translated by {@link Failures}; {@code CLOSED} after close
     */
    <T> T run(String operation, String key, boolean idempotent, Duration budget, Supplier<CompletableFuture<T>> request) {
        ensureOpen(operation, key);
        long deadline = System.nanoTime() + budget.toNanos();
        long backoff = MIN_BACKOFF_NANOS;
        int attempt = 1;
        while (true) {
            CompletableFuture<T> future = request.get();
            try {
                return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                future.cancel(true);
                throw interrupted(operation, key, e);
            } catch (TimeoutException e) {
                future.cancel(true);
                ensureOpen(operation, key);
                throw checks.error(ErrorCode.TIMEOUT, operation, key, "no answer within " + budget.toMillis()
                        + "ms" + (idempotent ? "" : "; its effect is unknown, re-read before repeating it"), e);
            } catch (ExecutionException e) {
                ensureOpen(operation, key);
                long left = deadline - System.nanoTime();
                if (!Failures.retryable(e)) {
                    throw Failures.translate(checks, operation, key, e);
                }
                if (!idempotent) {
                    GovernanceException g = Failures.translate(checks, operation, key, e);
                    throw new GovernanceException(g.code(), g.getMessage() + "; not retried because it is not "
                            + "idempotent: its effect is unknown, re-read before repeating it", e.getCause());
                }
                if (left <= backoff) {
                    throw Failures.translate(checks, operation, key, e);
                }
                LOG.debug("[{}] {} '{}' attempt {} failed, retrying: {}", where(), operation, key, attempt,
                        Failures.status(e).getDescription());
                pause(operation, key, backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                attempt++;
            }
        }
    }

    private void pause(String operation, String key, long nanos) {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
            throw interrupted(operation, key, new InterruptedException());
        }
    }
}
