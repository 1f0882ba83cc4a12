package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.client.exception.ApolloOpenApiException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static io.governor.api.repository.support.Checks.cause;

/**
 * Translates what the Apollo clients throw into {@link GovernanceException}: the one place this
 * module does so. Messages name the operation, the key and the Apollo coordinates, never the token.
 */
final class ApolloErrors {

    private ApolloErrors() {
    }

    static GovernanceException translate(String operation, String key, ApolloSettings settings, Throwable t) {
        if (t instanceof GovernanceException g) {
            return g;
        }
        ApolloOpenApiException answer = cause(t, ApolloOpenApiException.class).orElse(null);
        if (answer != null) { // its message is the portal's: status, reason and the server's message
            return settings.checks.error(codeOf(answer.getStatus()), operation, key, answer.getMessage(), t);
        }
        ErrorCode code = ErrorCode.INTERNAL;
        String detail = t.toString();
        IOException io = cause(t, IOException.class).orElse(null);
        IllegalArgumentException refused = cause(t, IllegalArgumentException.class).orElse(null);
        if (io instanceof SocketTimeoutException) {
            code = ErrorCode.TIMEOUT;
            detail = "timed out talking to the portal " + settings.portalUrl;
        } else if (io != null) {
            code = ErrorCode.UNAVAILABLE;
            detail = "could not reach the portal " + settings.portalUrl + ": " + io.getMessage();
        } else if (refused != null) {
            code = ErrorCode.INVALID_ARGUMENT;
            detail = "was refused by the client: " + refused.getMessage();
        }
        return settings.checks.error(code, operation, key, detail, t);
    }

    private static ErrorCode codeOf(int status) {
        return switch (status) {
            case 400 -> ErrorCode.INVALID_ARGUMENT;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.NOT_FOUND;
            case 408, 504 -> ErrorCode.TIMEOUT;
            default -> status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
        };
    }
}
