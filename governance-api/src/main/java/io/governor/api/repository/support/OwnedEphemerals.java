package io.governor.api.repository.support;

import io.governor.api.repository.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The ephemeral keys one client owns, with the latest value of each, so that they can be written
 * again after a session or lease loss ({@link #restoreAll}).
 *
 * <p>Every change of ownership and every write made through this object happens under one lock,
 * so a {@link #forget} (a delete) and a restore never interleave: a key that was deleted is not
 * brought back, and a restore never writes a value older than the latest {@link #put}.
 *
 * <p>Thread-safe. The writes run on the calling thread under that lock and block as long as the
 * backend does; they may take the backend's own locks, as long as the backend never calls in here
 * while holding one that a write needs in another order.
 */
public final class OwnedEphemerals {

    private static final Logger log = LoggerFactory.getLogger(OwnedEphemerals.class);

    /** Writes one owned key to the backend, in the current session. */
    @FunctionalInterface
    public interface Writer<E extends Exception> {
        void write(String key, String value) throws E;
    }

    private final String label;
    private final Map<String, String> owned = new TreeMap<>(); // guarded by itself

    /** @param label the repository's label, for log messages */
    public OwnedEphemerals(String label) {
        this.label = label;
    }

    /**
     * Owns {@code key} with {@code value} and writes it. When the write fails, the key stays owned
     * with the new value if {@code keepOnFailure} says so (a connection problem: the value is
     * written on restore), else the previous value, or none, is owned again.
     */
    public <E extends Exception> void put(String key, String value, Writer<E> writer,
                                          Predicate<Exception> keepOnFailure) throws E {
        synchronized (owned) {
            String previous = owned.put(key, value);
            try {
                writer.write(key, value);
            } catch (Exception e) {
                if (!keepOnFailure.test(e)) {
                    if (previous == null) {
                        owned.remove(key);
                    } else {
                        owned.put(key, previous);
                    }
                }
                throw e;
            }
        }
    }

    /** Stops owning {@code key} alone: it was written as a persistent key. */
    public void disown(String key) {
        synchronized (owned) {
            owned.remove(key);
        }
    }

    /** Stops owning {@code key} and every owned key below it. */
    public void forget(String key) {
        forget(key, () -> { });
    }

    /**
     * Stops owning {@code key} and every owned key below it, then runs {@code delete} (which removes
     * them in the backend) before any restore can run.
     */
    public void forget(String key, Runnable delete) {
        synchronized (owned) {
            owned.keySet().removeIf(k -> Paths.isAtOrBelow(k, key));
            delete.run();
        }
    }

    /** The owned keys, in key order (a snapshot). */
    public List<String> keys() {
        synchronized (owned) {
            return List.copyOf(owned.keySet());
        }
    }

    /**
     * Writes every owned key again with its latest value, in key order. A key whose write fails
     * with an exception that {@code skip} accepts is logged and skipped; any other failure stops the
     * restore and is thrown (the caller retries later).
     *
     * @return the number of owned keys
     */
    public <E extends Exception> int restoreAll(Writer<E> writer, Predicate<Exception> skip) throws E {
        synchronized (owned) {
            for (Map.Entry<String, String> e : owned.entrySet()) {
                try {
                    writer.write(e.getKey(), e.getValue());
                } catch (Exception failure) {
                    if (!skip.test(failure)) {
                        throw failure;
                    }
                    log.warn("[{}] could not restore ephemeral {}: {}", label, e.getKey(), failure.toString());
                }
            }
            return owned.size();
        }
    }
}
