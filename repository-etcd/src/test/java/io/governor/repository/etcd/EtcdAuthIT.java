package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.test.EventRecorder;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An etcd server with authentication turned on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdAuthIT {

    private static final String USER = "governor-app";
    private static final String PASSWORD = "Right-Pa55word";
    private static final String WRONG = "Wrong-Pa55word";

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);

    @BeforeAll
    static void enableAuth() {
        ETCD.enableAuth(USER, PASSWORD);
    }

    private static RegistryRepository connect(String password) {
        return new EtcdRepositoryProvider().create(TestClients.config(ETCD.endpoints(), "auth")
                .property("user", USER).property("password", password)
                .property("connectTimeout", "5s").build());
    }

    @Test
    void wrongPasswordIsUnauthenticatedAndNeverShown() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> connect(WRONG));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), e::toString);
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage());
            assertFalse(text.contains(WRONG) || text.contains(PASSWORD), () -> "a password in: " + text);
        }
        assertTrue(e.getMessage().contains(USER), () -> "message names the user: " + e.getMessage());
        assertTrue(e.getMessage().contains(ETCD.endpoints()), () -> "message names the servers: " + e.getMessage());
    }

    @Test
    void rightPasswordWorksForEveryOperation() {
        try (RegistryRepository r = connect(PASSWORD)) {
            EventRecorder events = new EventRecorder();
            r.watch("/a", events);
            r.put("/a/k", "v");
            assertEquals(Optional.of("v"), r.get("/a/k").map(VersionedValue::value));
            assertTrue(r.compareAndSet("/a/k", "v", "w"));
            r.putEphemeral("/a/e", "e");
            events.await(Duration.ofSeconds(10), "watch works", e -> e.key().equals("/a/e"));
            try (LockLease lease = r.lock("job").tryLock(Duration.ofSeconds(10)).orElseThrow()) {
                assertTrue(lease.isValid());
            }
            r.delete("/a");
            assertEquals(Optional.empty(), r.get("/a/k"));
        }
    }

    @Test
    void missingCredentialsAreRefused() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new EtcdRepositoryProvider()
                .create(TestClients.config(ETCD.endpoints(), "auth").property("connectTimeout", "5s").build()));
        assertTrue(e.code() == ErrorCode.UNAUTHENTICATED || e.code() == ErrorCode.PERMISSION_DENIED, e::toString);
    }
}
