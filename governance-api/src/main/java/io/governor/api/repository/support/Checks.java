package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The checks a repository makes before it sends anything (closed, legal key, value present and
 * small enough), and the wording of its errors: every message names the operation, the key and
 * the repository, as in {@code put '/a' on nacos repository (servers '127.0.0.1:8848'): ...}.
 *
 * <p>An implementation keeps one per repository and calls it first in every operation:
 * <pre>{@code
 * public void put(String key, String value) {
 *     checks.requireValue(closed, "put", key, value);
 *     ...
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; never blocks. Every check throws {@link GovernanceException}:
 * {@code CLOSED}, {@code INVALID_ARGUMENT} or {@code VALUE_TOO_LARGE}.
 *
 * @param type          the repository type key, e.g. {@code nacos}
 * @param where         what the repository is connected to, for messages (servers, namespace...);
 *                      never a credential
 * @param maxValueBytes the largest value, in UTF-8 bytes, that a write accepts
 * @param limitSource   what sets that limit, for the message of a value over it
 */
public record Checks(String type, String where, int maxValueBytes, String limitSource) {

    /** Checks whose value limit is the repository's property {@code maxValueBytes}. */
    public Checks(String type, String where, int maxValueBytes) {
        this(type, where, maxValueBytes, "property maxValueBytes");
    }

    /** {@code <operation> '<key>' on <type> repository (<where>)}: the start of every message. */
    public String describe(String operation, String key) {
        return operation + " '" + key + "' on " + type + " repository (" + where + ")";
    }

    /** An exception whose message is {@link #describe} followed by {@code detail}. */
    public GovernanceException error(ErrorCode code, String operation, String key, String detail, Throwable cause) {
        return new GovernanceException(code, describe(operation, key) + ": " + detail, cause);
    }

    /** Throws {@code CLOSED} when {@code closed}. */
    public void requireOpen(boolean closed, String operation, String key) {
        if (closed) {
            throw error(ErrorCode.CLOSED, operation, key, "the repository is closed", null);
        }
    }

    /**
     * Checks that the repository is open and the key legal ({@link Paths#requireKey(String, boolean)}),
     * the root only when {@code allowRoot}; returns the key.
     */
    public String requireKey(boolean closed, String operation, String key, boolean allowRoot) {
        requireOpen(closed, operation, key);
        try {
            return Paths.requireKey(key, allowRoot);
        } catch (GovernanceException e) {
            throw error(ErrorCode.INVALID_ARGUMENT, operation, key, e.getMessage(), null);
        }
    }

    /**
     * Checks a write of {@code value} to {@code key}: the repository open, the key legal and not the
     * root, the value not null and at most {@link #maxValueBytes} UTF-8 bytes.
     */
    public void requireValue(boolean closed, String operation, String key, String value) {
        requireKey(closed, operation, key, false);
        if (value == null) {
            throw error(ErrorCode.INVALID_ARGUMENT, operation, key, "value must not be null", null);
        }
        // a char is at most 3 UTF-8 bytes (a surrogate pair 4 for 2), so short values need no count
        if ((long) value.length() * 3 > maxValueBytes) {
            int size = value.getBytes(StandardCharsets.UTF_8).length;
            if (size > maxValueBytes) {
                throw error(ErrorCode.VALUE_TOO_LARGE, operation, key, "value of " + size
                        + " bytes exceeds the limit of " + maxValueBytes + " bytes (" + limitSource + ")", null);
            }
        }
    }

    /** Checks a lock's wait: {@code INVALID_ARGUMENT} when {@code timeout} is null or negative. */
    public void requireTimeout(String operation, String key, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw error(ErrorCode.INVALID_ARGUMENT, operation, key, "timeout must be zero or positive, got " + timeout, null);
        }
    }

    /**
     * Checks the operations of a commit: the repository open, every operation present with a key
     * legal and not the root, every put's value as {@link #requireValue} checks it.
     */
    public void requireOperations(boolean closed, List<Operation> operations) {
        requireOpen(closed, "commit", "(" + operations.size() + " operations)");
        for (Operation op : operations) {
            if (op instanceof Operation.Put p) {
                requireValue(closed, "commit", p.key(), p.value());
            } else {
                requireKey(closed, "commit", op == null ? null : op.key(), false);
            }
        }
    }

    /**
     * Checks the arguments of a {@code readAll} ({@link Paths#requireReadAll}) with the repository
     * open; returns how messages name them ({@link Paths#describe}).
     */
    public String requireReadAll(boolean closed, Collection<String> keys, Collection<String> parents) {
        String label = Paths.describe(keys, parents);
        requireOpen(closed, "readAll", label);
        try {
            Paths.requireReadAll(keys, parents);
        } catch (GovernanceException e) {
            throw error(ErrorCode.INVALID_ARGUMENT, "readAll", label, e.getMessage(), null);
        }
        return label;
    }

    /** Checks a lock name ({@link Paths#requireSegment}) with the repository open; returns the lock's key. */
    public String requireLockName(boolean closed, String name) {
        String key = "/locks/" + name;
        requireOpen(closed, "lock", key);
        try {
            Paths.requireSegment(name, "lock name");
        } catch (GovernanceException e) {
            throw error(ErrorCode.INVALID_ARGUMENT, "lock", key, e.getMessage(), null);
        }
        return key;
    }

    /** The first throwable of {@code type} in the cause chain of {@code failure}, itself included. */
    public static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }
}
