package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.client.exception.ApolloOpenApiException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Translates what the Apollo clients throw into {@link GovernanceException}: the one place this
 * module does so. Messages name the operation, the key and the Apollo coordinates, never the token.
 */
final class ApolloErrors {

    private ApolloErrors() {
    }

    /** The OpenAPI failure (an HTTP answer) in {@code t}'s cause chain, or null. */
    private static ApolloOpenApiException answer(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApolloOpenApiException e) {
                return e;
            }
        }
        return null;
    }

    static GovernanceException translate(String operation, String key, ApolloSettings settings, Throwable t) {
        if (t instanceof GovernanceException g) {
            return g;
        }
        String what = operation + " '" + key + "' on apollo repository (" + settings.where() + ")";
        ApolloOpenApiException answer = answer(t);
        if (answer != null) { // its message is the portal's: status, reason and the server's message
            return new GovernanceException(codeOf(answer.getStatus()), what + " failed: " + answer.getMessage(), t);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException) {
                return new GovernanceException(ErrorCode.TIMEOUT, what + " timed out talking to the portal "
                        + settings.portalUrl, t);
            }
            if (c instanceof IOException) {
                return new GovernanceException(ErrorCode.UNAVAILABLE, what + " could not reach the portal "
                        + settings.portalUrl + ": " + c.getMessage(), t);
            }
            if (c instanceof IllegalArgumentException) {
                return new GovernanceException(ErrorCode.INVALID_ARGUMENT, what + " was refused by the client: "
                        + c.getMessage(), t);
            }
        }
        return new GovernanceException(ErrorCode.INTERNAL, what + " failed: " + t, t);
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
