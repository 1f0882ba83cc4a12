package io.governor.test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, so tests never sleep for an effect.
 *
 * <p>The condition is polled on the calling thread with a short backoff (5 ms growing to 50 ms).
 * A {@link RuntimeException} thrown by the condition counts as "not yet" (a backend may refuse
 * requests while it reconnects) and becomes the cause of the timeout error if the deadline passes;
 * an {@link Error} such as a failed assertion is thrown at once.
 *
 * <p>Stateless and thread-safe. Every method blocks the caller until the condition holds or the
 * deadline passes, then throws {@link AssertionError} naming what it waited for. If the waiting
 * thread is interrupted the interrupt flag is restored and an {@code AssertionError} is thrown.
 */
public final class Await {

    /** A generous default deadline for effects that should be quick (10 s). */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Await() {
    }

    /** Waits up to {@link #DEFAULT} for {@code condition}. */
    public static void until(String description, BooleanSupplier condition) {
        until(DEFAULT, description, condition);
    }

    /**
     * Waits up to {@code timeout} until {@code condition} returns true.
     *
     * @throws AssertionError "timed out after {timeout} waiting for {description}"
     */
    public static void until(Duration timeout, String description, BooleanSupplier condition) {
        value(timeout, description, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Waits up to {@code timeout} until {@code probe} returns a present value, and returns it.
     *
     * @throws AssertionError "timed out after {timeout} waiting for {description}"
     */
    public static <T> T value(Duration timeout, String description, Supplier<Optional<T>> probe) {
        return poll(timeout, description, probe, v -> true);
    }

    /**
     * Waits up to {@code timeout} until {@code probe} returns a value that {@code accept} accepts,
     * and returns it. The timeout message shows the last value seen.
     */
    public static <T> T value(Duration timeout, String description, Supplier<T> probe, Predicate<? super T> accept) {
        return poll(timeout, description, () -> Optional.ofNullable(probe.get()), accept);
    }

    private static <T> T poll(Duration timeout, String description, Supplier<Optional<T>> probe,
                              Predicate<? super T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = MIN_PAUSE_NANOS;
        Object last = null;
        RuntimeException lastFailure = null;
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) {
                    last = v.get();
                    if (accept.test(v.get())) {
                        return v.get();
                    }
                }
                lastFailure = null;
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String seen = last == null || last instanceof Boolean ? "" : "; last value: " + last;
                throw new AssertionError("timed out after " + timeout + " waiting for " + description + seen, lastFailure);
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted while waiting for " + description);
            }
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }
}
