package io.governor.repository.nacos;

import com.alibaba.nacos.api.exception.NacosException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.concurrent.TimeoutException;

/**
 * Translates what the Nacos client throws into {@link GovernanceException}: the one place this
 * module does so. Messages name the operation, the key and the servers, never a credential.
 */
final class NacosErrors {

    private NacosErrors() {
    }

    static GovernanceException translate(String operation, String key, NacosSettings settings, Throwable t) {
        if (t instanceof GovernanceException g) {
            return g;
        }
        String what = operation + " '" + key + "' on nacos repository (" + settings.where() + ")";
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException) {
                return new GovernanceException(ErrorCode.TIMEOUT, what + " timed out after " + settings.requestTimeout, t);
            }
        }
        if (t instanceof NacosException n) {
            int code = n.getErrCode();
            return new GovernanceException(codeOf(code), what + " failed: Nacos error " + code + " " + n.getErrMsg(), t);
        }
        return new GovernanceException(ErrorCode.INTERNAL, what + " failed: " + t, t);
    }

    /** A write the Nacos client reported as failed without saying why. */
    static GovernanceException refused(String operation, String key, NacosSettings settings) {
        return new GovernanceException(ErrorCode.UNAVAILABLE, operation + " '" + key + "' on nacos repository ("
                + settings.where() + ") was refused by the server (nothing was written); the Nacos client log has the reason");
    }

    private static ErrorCode codeOf(int code) {
        return switch (code) {
            case NacosException.NO_RIGHT -> ErrorCode.UNAUTHENTICATED;
            case NacosException.INVALID_PARAM, NacosException.CLIENT_INVALID_PARAM -> ErrorCode.INVALID_ARGUMENT;
            case NacosException.NOT_FOUND -> ErrorCode.NOT_FOUND;
            case NacosException.CONFLICT -> ErrorCode.CONFLICT;
            case NacosException.CLIENT_DISCONNECT, NacosException.SERVER_ERROR, NacosException.BAD_GATEWAY,
                 NacosException.OVER_THRESHOLD, NacosException.CLIENT_OVER_THRESHOLD, NacosException.INVALID_SERVER_STATUS,
                 NacosException.UN_REGISTER -> ErrorCode.UNAVAILABLE;
            default -> ErrorCode.INTERNAL;
        };
    }
}
