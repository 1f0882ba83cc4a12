package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs a backend's asynchronous requests with a deadline, retrying the ones that are safe to repeat.
 *
 * <p>An <b>idempotent</b> request (a read, a put, a delete, a keep-alive...) that fails in a way the
 * backend calls retryable (the server was unreachable, had no leader, or lost it mid-request) is
 * sent again with a short backoff until the budget (normally the request timeout) runs out; this
 * rides out a leader change. A <b>non-idempotent</b> request (a compare-and-set, a commit) is sent
 * once: if its outcome is unknown the caller gets {@code UNAVAILABLE} or {@code TIMEOUT} saying so,
 * never a silent second attempt.
 *
 * <p>Thread-safe. Every request blocks the calling thread up to its budget. Failures are
 * {@link GovernanceException}s worded by the repository's {@link Checks}: {@code CLOSED} once the
 * repository is closed, {@code TIMEOUT} when no answer came in time, {@code INTERRUPTED} (the flag
 * restored) on interrupt, otherwise what the backend's translation makes of its failure.
 */
public final class TimedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(TimedRequests.class);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** The backend's translation of a failure of {@code operation} on {@code key}. */
    @FunctionalInterface
    public interface Translation {
        GovernanceException translate(Checks checks, String operation, String key, Throwable failure);
    }

    private final Checks checks;
    private final Duration requestTimeout;
    private final BooleanSupplier closed;
    private final Predicate<Throwable> retryable;
    private final Translation translation;

    /**
     * @param closed    whether the repository is closed
     * @param retryable whether repeating the same request can cure a failure
     */
    public TimedRequests(Checks checks, Duration requestTimeout, BooleanSupplier closed, Predicate<Throwable> retryable,
                         Translation translation) {
        this.checks = Objects.requireNonNull(checks, "checks");
        this.requestTimeout = requestTimeout;
        this.closed = closed;
        this.retryable = retryable;
        this.translation = translation;
    }

    /** The repository's checks, which word every message. */
    public Checks checks() {
        return checks;
    }

    /** The repository's label, for log lines. */
    public String where() {
        return checks.where();
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Throws {@code CLOSED} once the repository is closed. */
    public void ensureOpen(String operation, String key) {
        checks.requireOpen(closed.getAsBoolean(), operation, key);
    }

    /** {@code INTERRUPTED} for {@code operation} on {@code key}, the flag restored. */
    public GovernanceException interrupted(String operation, String key, InterruptedException e) {
        return GovernanceException.interrupted(checks.describe(operation, key), e);
    }

    /** The backend's translation of a failure of {@code operation} on {@code key}. */
    public GovernanceException translate(String operation, String key, Throwable failure) {
        return translation.translate(checks, operation, key, failure);
    }

    /** Runs a request that is safe to repeat, within the request timeout. */
    public <T> T idempotent(String operation, String key, Supplier<CompletableFuture<T>> request) {
        return run(operation, key, true, requestTimeout, request);
    }

    /** Runs a request that must not be repeated, within the request timeout. */
    public <T> T once(String operation, String key, Supplier<CompletableFuture<T>> request) {
        return run(operation, key, false, requestTimeout, request);
    }

    /** Runs {@code request} within {@code budget}, repeating it while {@code idempotent} and retryable. */
    public <T> T run(String operation, String key, boolean idempotent, Duration budget,
                     Supplier<CompletableFuture<T>> request) {
        ensureOpen(operation, key);
        long deadline = System.nanoTime() + budget.toNanos();
        long backoff = MIN_BACKOFF_NANOS;
        for (int attempt = 1; ; attempt++) {
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
                if (!retryable.test(e)) {
                    throw translate(operation, key, e);
                }
                if (!idempotent) {
                    GovernanceException g = translate(operation, key, e);
                    throw new GovernanceException(g.code(), g.getMessage() + "; not retried because it is not "
                            + "idempotent: its effect is unknown, re-read before repeating it", e.getCause());
                }
                if (deadline - System.nanoTime() <= backoff) {
                    throw translate(operation, key, e);
                }
                LOG.debug("[{}] {} '{}' attempt {} failed, retrying: {}", where(), operation, key, attempt,
                        String.valueOf(e.getCause()));
                pause(operation, key, Duration.ofNanos(backoff));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
    }

    /** Waits {@code pause}; throws {@code INTERRUPTED} (the flag restored) when interrupted. */
    public void pause(String operation, String key, Duration pause) {
        LockSupport.parkNanos(pause.toNanos());
        if (Thread.interrupted()) {
            throw interrupted(operation, key, new InterruptedException());
        }
    }
}
