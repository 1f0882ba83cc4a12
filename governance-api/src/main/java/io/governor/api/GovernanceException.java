package io.governor.api;

import java.util.Objects;

/**
 * The one unchecked exception Governor throws. It carries an {@link ErrorCode}; its message names
 * the operation, the key or name involved and, where relevant, the repository type.
 *
 * <p>Messages never contain passwords or other credentials. Backend exceptions are kept as the
 * cause.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class GovernanceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public GovernanceException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public GovernanceException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The error code; never null. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }

    /**
     * Translates an {@link InterruptedException}: restores the thread's interrupt flag and returns
     * an {@link ErrorCode#INTERRUPTED} exception for the caller to throw.
     */
    public static GovernanceException interrupted(String operation, InterruptedException cause) {
        Thread.currentThread().interrupt();
        return new GovernanceException(ErrorCode.INTERRUPTED, operation + " was interrupted", cause);
    }
}
