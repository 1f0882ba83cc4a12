package io.governor.core.jdbc;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The bind parameters of a prepared statement as listeners see them: an indexed {@code set*}
 * records its value ({@link #set}), {@code clearParameters} forgets them all ({@link #clear}), and an
 * execution or a batch reports what is set at that moment ({@link #snapshot}); {@code addBatch}
 * changes nothing, so a batch reports the parameters of its last row. A growable array indexed from
 * 0 (JDBC index 1 is slot 0); unset slots read as null.
 *
 * <p>{@link #IGNORED}, used when no listener takes JDBC events, records nothing and reports no
 * parameters, so the statement makes no check of its own.
 *
 * <p>Not thread-safe: it belongs to one statement ({@link #IGNORED} is stateless and shared).
 */
final class Parameters {

    private static final Object[] EMPTY = new Object[0];

    /** Records nothing; its snapshot is always empty. Declared after {@link #EMPTY}, which it uses. */
    static final Parameters IGNORED = new Parameters(false);

    private final boolean recording;
    private Object[] values = EMPTY;
    private int size;

    /** Parameters that record what is set. */
    Parameters() {
        this(true);
    }

    private Parameters(boolean recording) {
        this.recording = recording;
    }

    void set(int jdbcIndex, Object value) {
        int i = jdbcIndex - 1;
        if (!recording || i < 0) {
            return;
        }
        if (i >= values.length) {
            values = Arrays.copyOf(values, Math.max(i + 1, Math.max(4, values.length * 2)));
        }
        values[i] = value;
        size = Math.max(size, i + 1);
    }

    void clear() {
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    /** An immutable copy of the parameters set so far (nulls allowed); the shared empty list if none. */
    List<Object> snapshot() {
        return size == 0 ? List.of() : Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(values, size)));
    }
}
