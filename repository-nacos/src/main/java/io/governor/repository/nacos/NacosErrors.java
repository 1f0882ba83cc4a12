package io.governor.repository.nacos;

import com.alibaba.nacos.api.exception.NacosException;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.concurrent.TimeoutException;

import static io.governor.api.repository.support.Checks.cause;

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
        if (cause(t, TimeoutException.class).isPresent()) {
            return settings.checks.error(ErrorCode.TIMEOUT, operation, key, "timed out after " + settings.requestTimeout, t);
        }
        if (t instanceof NacosException n) {
            return settings.checks.error(codeOf(n.getErrCode()), operation, key, "Nacos error " + n.getErrCode() + " "
                    + n.getErrMsg(), t);
        }
        return settings.checks.error(ErrorCode.INTERNAL, operation, key, t.toString(), t);
    }

    /** A write the Nacos client reported as failed without saying why. */
    static GovernanceException refused(String operation, String key, NacosSettings settings) {
        return settings.checks.error(ErrorCode.UNAVAILABLE, operation, key, "refused by the server (nothing was "
                + "written); the Nacos client log has the reason", null);
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
