package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.GuardedWrite;
import org.apache.zookeeper.KeeperException;

/**
 * The one place where ZooKeeper and Curator failures become {@link GovernanceException}s.
 *
 * <p>Every message names the operation, the key and the repository (type and namespace); none
 * contains a credential. Stateless apart from the immutable context; thread-safe.
 */
final class Errors {

    private final ZooKeeperSettings settings;

    Errors(ZooKeeperSettings settings) {
        this.settings = settings;
    }

    /** Where: {@code zookeeper repository (namespace 'ns')}. */
    String where() {
        return "zookeeper repository (namespace '" + settings.label() + "')";
    }

    /**
     * Translates any failure of {@code operation} on {@code key}. A {@link GovernanceException} is
     * returned unchanged; an {@link InterruptedException} restores the interrupt flag.
     */
    GovernanceException translate(String operation, String key, Throwable e) {
        if (e instanceof GovernanceException g) {
            return g;
        }
        String what = operation + " '" + key + "' on " + where();
        if (e instanceof InterruptedException ie) {
            return GovernanceException.interrupted(what, ie);
        }
        if (e instanceof KeeperException ke) {
            return translateKeeper(what, ke);
        }
        if (e instanceof GuardedWrite.Unknown u) {
            return new GovernanceException(ErrorCode.OUTCOME_UNKNOWN, what + " failed: " + u.getMessage(), u);
        }
        return new GovernanceException(ErrorCode.INTERNAL, what + " failed: " + e, e);
    }

    private GovernanceException translateKeeper(String what, KeeperException e) {
        ErrorCode code;
        String why;
        switch (e.code()) {
            case NOAUTH -> {
                if (settings.hasDigest()) {
                    code = ErrorCode.PERMISSION_DENIED;
                    why = "the node's ACL does not allow digest user '" + settings.digestUser() + "' to do this";
                } else {
                    code = ErrorCode.UNAUTHENTICATED;
                    why = "the node is protected by an ACL and this repository has no 'digest' credentials";
                }
            }
            case AUTHFAILED -> {
                code = ErrorCode.UNAUTHENTICATED;
                why = "ZooKeeper rejected the credentials";
            }
            case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, NOTREADONLY, RECONFIGINPROGRESS -> {
                code = ErrorCode.UNAVAILABLE;
                why = "ZooKeeper (" + settings.servers() + ") is unreachable: " + e.code();
            }
            case OPERATIONTIMEOUT, REQUESTTIMEOUT -> {
                code = ErrorCode.TIMEOUT;
                why = "ZooKeeper did not answer in time; the effect is unknown";
            }
            case NONODE -> {
                code = ErrorCode.NOT_FOUND;
                why = "node " + e.getPath() + " does not exist";
            }
            case NODEEXISTS, BADVERSION, NOTEMPTY -> {
                code = ErrorCode.CONFLICT;
                why = "a concurrent writer changed node " + e.getPath() + " (" + e.code() + ")";
            }
            case BADARGUMENTS, INVALIDACL -> {
                code = ErrorCode.INVALID_ARGUMENT;
                why = "ZooKeeper refused the request: " + e.code();
            }
            default -> {
                code = ErrorCode.INTERNAL;
                why = "ZooKeeper error " + e.code();
            }
        }
        return new GovernanceException(code, what + " failed: " + why, e);
    }

    /** No server answered within the connection timeout. */
    GovernanceException connectTimedOut() {
        return new GovernanceException(ErrorCode.CONNECT_FAILED, "connect to ZooKeeper servers '" + settings.servers()
                + "' (namespace '" + settings.label() + "') failed: no server answered within "
                + settings.connectionTimeout().toMillis() + "ms");
    }

    /**
     * Translates a failure while connecting: {@code UNAUTHENTICATED} when the namespace's ACL shuts
     * this identity out (ZooKeeper accepts any digest at login, so this is where a wrong password
     * shows), {@code INVALID_CONFIG} for a connect string ZooKeeper refuses, otherwise as
     * {@link #translate}.
     */
    GovernanceException connectFailed(Exception e) {
        if (e instanceof KeeperException.NoAuthException) {
            String who = settings.hasDigest() ? "digest user '" + settings.digestUser() + "' (wrong password?)"
                    : "a client without 'digest' credentials";
            return new GovernanceException(ErrorCode.UNAUTHENTICATED, "connect to ZooKeeper servers '" + settings.servers()
                    + "': namespace '" + settings.label() + "' is protected by an ACL that does not admit " + who, e);
        }
        if (e instanceof IllegalArgumentException) {
            return new GovernanceException(ErrorCode.INVALID_CONFIG, "serverLists '" + settings.servers()
                    + "' of zookeeper repository is not a valid ZooKeeper connect string: " + e.getMessage(), e);
        }
        return translate("connect", "/", e);
    }

    GovernanceException closed(String operation, String key) {
        return new GovernanceException(ErrorCode.CLOSED, operation + " '" + key + "' on " + where()
                + " failed: the repository is closed");
    }

    GovernanceException tooLarge(String operation, String key, int size, int limit) {
        return new GovernanceException(ErrorCode.VALUE_TOO_LARGE, operation + " '" + key + "' on " + where()
                + " refused: the value is " + size + " bytes, more than the limit of " + limit
                + " bytes (property 'maxValueBytes'; ZooKeeper's jute.maxbuffer)");
    }

    GovernanceException invalidArgument(String operation, String key, String why) {
        return new GovernanceException(ErrorCode.INVALID_ARGUMENT, operation + " '" + key + "' on " + where() + ": " + why);
    }
}
