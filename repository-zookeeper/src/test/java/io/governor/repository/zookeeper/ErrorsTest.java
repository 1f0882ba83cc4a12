package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorsTest {

    private static Errors errors(String digest) {
        RepositoryConfig.Builder b = RepositoryConfig.builder("zookeeper").serverLists("zk1:2181,zk2:2181").namespace("orders");
        if (digest != null) {
            b.property("digest", digest);
        }
        return new Errors(ZooKeeperSettings.from(b.build()));
    }

    @Test
    void noAuthIsUnauthenticatedWithoutCredentialsAndPermissionDeniedWithThem() {
        GovernanceException none = errors(null).translate("put", "/k", new KeeperException.NoAuthException());
        assertEquals(ErrorCode.UNAUTHENTICATED, none.code());
        GovernanceException denied = errors("app:secret-pw").translate("put", "/k", new KeeperException.NoAuthException());
        assertEquals(ErrorCode.PERMISSION_DENIED, denied.code());
        assertTrue(denied.getMessage().contains("'app'"), denied.getMessage());
        assertFalse(denied.getMessage().contains("secret-pw"), denied.getMessage());
    }

    @Test
    void messagesNameOperationKeyAndRepository() {
        GovernanceException e = errors(null).translate("delete", "/a/b", new KeeperException.ConnectionLossException());
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().startsWith("delete '/a/b' on zookeeper repository (namespace 'orders')"), e.getMessage());
        assertTrue(e.getMessage().contains("zk1:2181,zk2:2181"), e.getMessage());
    }

    @Test
    void keeperCodesMapToTheirErrorCodes() {
        Errors errors = errors(null);
        assertEquals(ErrorCode.UNAVAILABLE, errors.translate("get", "/k", new KeeperException.SessionExpiredException()).code());
        assertEquals(ErrorCode.TIMEOUT, errors.translate("get", "/k", new KeeperException.OperationTimeoutException()).code());
        assertEquals(ErrorCode.CONFLICT, errors.translate("put", "/k", new KeeperException.BadVersionException("/k")).code());
        assertEquals(ErrorCode.NOT_FOUND, errors.translate("get", "/k", new KeeperException.NoNodeException("/k")).code());
        assertEquals(ErrorCode.UNAUTHENTICATED, errors.translate("get", "/k", new KeeperException.AuthFailedException()).code());
        assertEquals(ErrorCode.INTERNAL, errors.translate("get", "/k", new IllegalStateException("boom")).code());
    }

    @Test
    void interruptRestoresTheFlag() {
        try {
            GovernanceException e = errors(null).translate("tryLock", "/locks/x", new InterruptedException());
            assertEquals(ErrorCode.INTERRUPTED, e.code());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void governanceExceptionsPassUnchanged() {
        GovernanceException original = new GovernanceException(ErrorCode.CLOSED, "closed");
        assertSame(original, errors(null).translate("get", "/k", original));
    }
}
