package io.governor.test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A short growing pause between polls of a condition that has its own deadline (10 ms to 200 ms). Not thread-safe. */
public final class Backoff {

    private long pauseNanos = TimeUnit.MILLISECONDS.toNanos(10);

    public void pause() {
        LockSupport.parkNanos(pauseNanos);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a test server");
        }
        pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(200));
    }
}
