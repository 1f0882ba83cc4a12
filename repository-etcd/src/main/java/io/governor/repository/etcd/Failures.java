package io.governor.repository.etcd;

import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Checks;
import io.grpc.Status;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where jetcd and gRPC failures become {@link GovernanceException}s, and where it is
 * decided which failures a retry can cure. Messages carry the server's own text, which never holds a
 * credential; the password is never part of any request text that could be echoed. Stateless.
 */
final class Failures {

    private Failures() {
    }

    /** Strips the wrappers futures put around the real failure. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The gRPC status behind a failure, looking through the "authentication failed" wrapper. */
    static Status status(Throwable failure) {
        Throwable t = unwrap(failure);
        Status s = Status.fromThrowable(t);
        if (t instanceof EtcdException e) {
            s = Status.fromCode(Status.Code.valueOf(e.getErrorCode().name())).withDescription(e.getMessage())
                    .withCause(e.getCause());
        }
        if (s.getCode() == Status.Code.UNAUTHENTICATED && s.getDescription() == null && s.getCause() != null) {
            Status inner = Status.fromThrowable(s.getCause());
            if (inner.getCode() != Status.Code.UNKNOWN) {
                return inner.getCode() == Status.Code.INVALID_ARGUMENT || inner.getCode() == Status.Code.FAILED_PRECONDITION
                        ? Status.UNAUTHENTICATED.withDescription(inner.getDescription())
                        : inner;
            }
        }
        return s;
    }

    /** A short description of a failure for logs: the gRPC code and the server's or transport's text. */
    static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        Status s = status(t);
        Throwable cause = s.getCause();
        String detail = s.getDescription() != null ? s.getDescription() : cause != null ? cause.toString() : "";
        return s.getCode() + (detail.isEmpty() ? "" : ": " + detail);
    }

    /** Whether repeating the same request can succeed: the server was unreachable, leaderless or slow. */
    static boolean retryable(Throwable failure) {
        Status.Code code = status(failure).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * Whether the failure says the lease no longer exists on the server (NOT_FOUND from the KV and
     * lease services, UNKNOWN from the lock service, same text).
     */
    static boolean leaseNotFound(Throwable failure) {
        String d = status(failure).getDescription();
        return d != null && d.contains("requested lease not found");
    }

    /** Translates a failure of {@code operation} on {@code key}, worded by the repository's {@code checks}. */
    static GovernanceException translate(Checks checks, String operation, String key, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof GovernanceException g) {
            return g;
        }
        if (t instanceof InterruptedException ie) {
            return GovernanceException.interrupted(checks.describe(operation, key), ie);
        }
        if (t instanceof TimeoutException) {
            return checks.error(ErrorCode.TIMEOUT, operation, key, "no answer in time; its effect is unknown", t);
        }
        if (t instanceof ClosedClientException || t instanceof CancellationException) {
            return checks.error(ErrorCode.CLOSED, operation, key, "the client was closed", t);
        }
        Status s = status(t);
        String detail = s.getDescription() == null ? s.getCode().name() : s.getDescription();
        ErrorCode code = switch (s.getCode()) {
            case UNAVAILABLE, CANCELLED -> ErrorCode.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> ErrorCode.TIMEOUT;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> detail.contains("request is too large")
                    ? ErrorCode.VALUE_TOO_LARGE : detail.contains("authentication failed")
                    || detail.contains("user name is empty") ? ErrorCode.UNAUTHENTICATED : ErrorCode.INTERNAL;
            default -> ErrorCode.INTERNAL;
        };
        if (code == ErrorCode.UNAUTHENTICATED) {
            detail = "authentication failed (" + detail + "); check the user and password";
        }
        return checks.error(code, operation, key, detail, t);
    }
}
