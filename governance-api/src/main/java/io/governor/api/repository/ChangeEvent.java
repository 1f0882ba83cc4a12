package io.governor.api.repository;

import java.util.Objects;

/**
 * One change seen by a {@link Watch}.
 *
 * @param type    what happened
 * @param key     the absolute key that changed (relative to the repository's namespace)
 * @param value   the new value; for {@link Type#DELETED} the last value the listener saw, or null if unknown
 * @param version the key's version after the change; for deletions the last known version, or -1
 */
public record ChangeEvent(Type type, String key, String value, long version) {

    /** The kind of change. */
    public enum Type {
        /** The key did not exist, as far as this listener knew, and now holds a value. */
        ADDED,
        /** The key held a value and now holds another (or the same value with a new version). */
        UPDATED,
        /** The key was removed. */
        DELETED
    }

    public ChangeEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
    }
}
