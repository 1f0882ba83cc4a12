package io.governor.api.event;

import java.util.Arrays;

/**
 * Lets listeners keep their own state (a span, a start time) on an event between its start and its
 * end. Keys are compared by identity; a listener typically uses itself as the key.
 *
 * <p>Not thread-safe: an event is used by one thread at a time.
 */
public abstract class Attachable {

    private Object[] slots;

    Attachable() {
    }

    /** The value attached under {@code key}, or null. */
    public final Object attachment(Object key) {
        if (slots != null) {
            for (int i = 0; i < slots.length; i += 2) {
                if (slots[i] == key) {
                    return slots[i + 1];
                }
            }
        }
        return null;
    }

    /** Attaches {@code value} under {@code key}, replacing what was there. */
    public final void attach(Object key, Object value) {
        if (slots == null) {
            slots = new Object[] {key, value};
            return;
        }
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] == key) {
                slots[i + 1] = value;
                return;
            }
        }
        Object[] grown = Arrays.copyOf(slots, slots.length + 2);
        grown[slots.length] = key;
        grown[slots.length + 1] = value;
        slots = grown;
    }
}
