package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.GuardedWrite;
import org.apache.zookeeper.KeeperException;

/**
 * The one place where ZooKeeper and Curator failures become {@link GovernanceException}s, with the
 * {@link Checks} made before sending. Every message names the operation, the key and the repository;
 * none contains a credential. Immutable; thread-safe.
 */
final class Errors {

    private final ZooKeeperSettings settings;
    /** The checks before a request, and the start of every message ({@link Checks#describe}). */
    final Checks checks;

    Errors(ZooKeeperSettings settings) {
        this.settings = settings;
        this.checks = new Checks(ZooKeeperRepository.TYPE, "namespace '" + settings.label() + "'", settings.maxValueBytes());
    }

    /**
     * Translates any failure of {@code operation} on {@code key}. A {@link GovernanceException} is
     * returned unchanged; an {@link InterruptedException} restores the interrupt flag.
     */
    GovernanceException translate(String operation, String key, Throwable e) {
        if (e instanceof GovernanceException g) {
            return g;
        }
        String what = checks.describe(operation, key);
        if (e instanceof InterruptedException ie) {
            return GovernanceException.interrupted(what, ie);
        }
        if (e instanceof GuardedWrite.Unknown u) {
            return failed(ErrorCode.OUTCOME_UNKNOWN, what, u.getMessage(), u);
        }
        if (!(e instanceof KeeperException ke)) {
            return failed(ErrorCode.INTERNAL, what, e.toString(), e);
        }
        return switch (ke.code()) {
            case NOAUTH -> settings.hasDigest()
                    ? failed(ErrorCode.PERMISSION_DENIED, what,
                            "the node's ACL does not allow digest user '" + settings.digestUser() + "' to do this", e)
                    : failed(ErrorCode.UNAUTHENTICATED, what,
                            "the node is protected by an ACL and this repository has no 'digest' credentials", e);
            case AUTHFAILED -> failed(ErrorCode.UNAUTHENTICATED, what, "ZooKeeper rejected the credentials", e);
            case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, NOTREADONLY, RECONFIGINPROGRESS -> failed(ErrorCode.UNAVAILABLE,
                    what, "ZooKeeper (" + settings.servers() + ") is unreachable: " + ke.code(), e);
            case OPERATIONTIMEOUT, REQUESTTIMEOUT -> failed(ErrorCode.TIMEOUT, what,
                    "ZooKeeper did not answer in time; the effect is unknown", e);
            case NONODE -> failed(ErrorCode.NOT_FOUND, what, "node " + ke.getPath() + " does not exist", e);
            case NODEEXISTS, BADVERSION, NOTEMPTY -> failed(ErrorCode.CONFLICT, what,
                    "a concurrent writer changed node " + ke.getPath() + " (" + ke.code() + ")", e);
            case BADARGUMENTS, INVALIDACL -> failed(ErrorCode.INVALID_ARGUMENT, what, "ZooKeeper refused the request: " + ke.code(), e);
            default -> failed(ErrorCode.INTERNAL, what, "ZooKeeper error " + ke.code(), e);
        };
    }

    private static GovernanceException failed(ErrorCode code, String what, String why, Throwable cause) {
        return new GovernanceException(code, what + " failed: " + why, cause);
    }

    /** No server answered within the connection timeout. */
    GovernanceException connectTimedOut() {
        return new GovernanceException(ErrorCode.CONNECT_FAILED, "connect to ZooKeeper servers '" + settings.servers()
                + "' (namespace '" + settings.label() + "') failed: no server answered within "
                + settings.connectionTimeout().toMillis() + "ms");
    }

    /**
     * Translates a failure while connecting: {@code UNAUTHENTICATED} when the namespace's ACL shuts this
     * identity out (a wrong password shows here), {@code INVALID_CONFIG} for a connect string ZooKeeper
     * refuses, otherwise as {@link #translate}.
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
}
