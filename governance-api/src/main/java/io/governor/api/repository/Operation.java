package io.governor.api.repository;

import java.util.Objects;

/**
 * One step of an atomic {@link Repository#commit(java.util.List) commit}: a condition to check or
 * a write to make. A commit applies all its writes only if all its checks hold.
 */
public sealed interface Operation {

    /** The key this step addresses. */
    String key();

    /** Holds when the key's current value equals {@code expectedValue}, or when the key is absent if it is null. */
    record Check(String key, String expectedValue) implements Operation {
        public Check {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Creates or overwrites the key, creating parents. */
    record Put(String key, String value) implements Operation {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Deletes the key and all its descendants; deleting an absent key is not an error. */
    record Delete(String key) implements Operation {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    static Operation check(String key, String expectedValue) {
        return new Check(key, expectedValue);
    }

    static Operation put(String key, String value) {
        return new Put(key, value);
    }

    static Operation delete(String key) {
        return new Delete(key);
    }
}
