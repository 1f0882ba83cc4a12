package io.governor.api;

/**
 * What went wrong, as a stable code that callers can switch on. Every {@link GovernanceException}
 * carries exactly one.
 *
 * <p>The retry column of each constant says whether repeating the same call can succeed without
 * anything else changing.
 */
public enum ErrorCode {
    /** An argument passed to an API call is invalid (a malformed key, a blank name). Not retryable. */
    INVALID_ARGUMENT,
    /** A configuration (YAML file, center document, builder) is invalid. Not retryable as is. */
    INVALID_CONFIG,
    /** No {@code RepositoryProvider} for the requested type is on the classpath. Not retryable. */
    REPOSITORY_NOT_FOUND,
    /** A repository needed for a role lacks a capability the role requires. Not retryable. */
    CAPABILITY_MISSING,
    /** The backend could not be reached within the connection timeout. Retryable. */
    CONNECT_FAILED,
    /** The backend is (temporarily) unreachable or refused to serve. Retryable. */
    UNAVAILABLE,
    /** An operation did not finish within its deadline; its effect is unknown. Retry only if idempotent. */
    TIMEOUT,
    /** A compare-and-set or transaction lost against a concurrent writer. Retry after re-reading. */
    CONFLICT,
    /**
     * A write was sent but its answer was lost (a connection cut, a leader change) and the repository
     * could not tell from the store whether it took effect: it may have been applied once, or not at
     * all; never twice. Retry only after re-reading the keys it touched.
     */
    OUTCOME_UNKNOWN,
    /** The addressed key, data source, database or instance does not exist. */
    NOT_FOUND,
    /** Credentials were missing or wrong. Not retryable with the same credentials. */
    UNAUTHENTICATED,
    /** The credentials are valid but may not perform the operation (e.g. an ACL forbids it). */
    PERMISSION_DENIED,
    /** A value is larger than the backend accepts. Not retryable. */
    VALUE_TOO_LARGE,
    /** The component was closed. Not retryable. */
    CLOSED,
    /** The calling thread was interrupted; its interrupt flag has been restored. */
    INTERRUPTED,
    /** An unexpected failure inside Governor or a backend; the message says where. */
    INTERNAL
}
