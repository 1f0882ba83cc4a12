package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
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

    private final String where;
    private final Duration requestTimeout;
    private final AtomicBoolean closed;

    Requests(String where, Duration requestTimeout, AtomicBoolean closed) {
        this.where = where;
        this.requestTimeout = requestTimeout;
        this.closed = closed;
    }

    /** The repository's label for messages. */
    String where() {
        return where;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** Throws {@code CLOSED} once the repository is closed. */
    void ensureOpen(String operation, String key) {
        if (closed.get()) {
            throw Failures.error(ErrorCode.CLOSED, operation, key, where, "the repository is closed", null);
        }
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
                throw GovernanceException.interrupted(operation + " '" + key + "' on etcd repository " + where, e);
            } catch (TimeoutException e) {
                future.cancel(true);
                ensureOpen(operation, key);
                throw Failures.error(ErrorCode.TIMEOUT, operation, key, where, "no answer within " + budget.toMillis()
                        + "ms" + (idempotent ? "" : "; its effect is unknown, re-read before repeating it"), e);
            } catch (ExecutionException e) {
                ensureOpen(operation, key);
                long left = deadline - System.nanoTime();
                if (!Failures.retryable(e)) {
                    throw Failures.translate(operation, key, where, e);
                }
                if (!idempotent) {
                    GovernanceException g = Failures.translate(operation, key, where, e);
                    throw new GovernanceException(g.code(), g.getMessage() + "; not retried because it is not "
                            + "idempotent: its effect is unknown, re-read before repeating it", e.getCause());
                }
                if (left <= backoff) {
                    throw Failures.translate(operation, key, where, e);
                }
                LOG.debug("[{}] {} '{}' attempt {} failed, retrying: {}", where, operation, key, attempt,
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
            throw GovernanceException.interrupted(operation + " '" + key + "' on etcd repository " + where,
                    new InterruptedException());
        }
    }
}
