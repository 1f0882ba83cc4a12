package io.governor.api.repository;

/**
 * A registered prefix watch. Closing it stops delivery: once {@link #close()} returns, the listener
 * receives no further event (an event whose delivery had already begun finishes first, unless
 * close is called from within the listener itself).
 *
 * <p>A watch that keeps the values it watched may also answer reads from them: see
 * {@link LocalReads}.
 *
 * <p>Thread-safe; closing twice is harmless.
 */
public interface Watch extends AutoCloseable {

    /** The watched prefix. */
    String prefix();

    @Override
    void close();
}
