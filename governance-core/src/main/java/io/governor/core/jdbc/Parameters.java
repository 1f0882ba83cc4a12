package io.governor.core.jdbc;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The bind parameters of a prepared statement, recorded only when listeners are registered: a
 * growable array indexed from 0 (JDBC index 1 is slot 0). Unset slots read as null.
 *
 * <p>Not thread-safe: it belongs to one statement.
 */
final class Parameters {

    private static final Object[] EMPTY = new Object[0];

    private Object[] values = EMPTY;
    private int size;

    void set(int jdbcIndex, Object value) {
        int i = jdbcIndex - 1;
        if (i < 0) {
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

    /** An immutable copy of the parameters set so far (nulls allowed). */
    List<Object> snapshot() {
        return size == 0 ? List.of() : Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(values, size)));
    }
}
