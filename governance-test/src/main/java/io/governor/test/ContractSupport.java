package io.governor.test;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every contract suite shares: the client lifecycle (a fresh namespace per test, every client
 * closed afterwards) and small assertion helpers. Extend {@link RepositoryContractTest} or
 * {@link RegistryRepositoryContractTest}, not this class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ContractSupport {

    private final List<Repository> clients = new CopyOnWriteArrayList<>();
    private String namespace;

    /**
     * A new client connected to the server under test, scoped to {@code namespace}, as the module's
     * provider would create it. Called several times per test for several clients.
     */
    protected abstract Repository newRepository(String namespace) throws Exception;

    /**
     * Whether this backend's watches answer local reads ({@link io.governor.api.repository.LocalReads};
     * default false: they do not implement it, {@code LocalReads.read} is always empty). A suite that
     * says true has the contract check that they do.
     */
    protected boolean watchesAnswerLocalReads() {
        return false;
    }

    /** How long to wait for an effect such as a watch event (default {@link Await#DEFAULT}); slow backends may raise it. */
    protected Duration awaitTimeout() {
        return Await.DEFAULT;
    }

    @BeforeEach
    final void chooseNamespace() {
        namespace = "ct-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    @AfterEach
    final void closeClients() {
        List<Repository> open = new ArrayList<>(clients);
        Collections.reverse(open);
        clients.clear();
        for (Repository r : open) {
            try {
                r.close();
            } catch (RuntimeException e) {
                throw new AssertionError("close() must never throw, but " + r.type() + " threw", e);
            }
        }
    }

    /** This test's namespace, unique per test. */
    protected final String namespace() {
        return namespace;
    }

    /** A new client in this test's namespace, closed after the test. */
    protected Repository client() {
        return client(namespace);
    }

    /** A new client in {@code namespace}, closed after the test. */
    protected Repository client(String namespace) {
        Repository r;
        try {
            r = newRepository(namespace);
        } catch (Exception e) {
            throw new AssertionError("cannot create a client for namespace '" + namespace + "'", e);
        }
        clients.add(r);
        return r;
    }

    /** Runs the calling test only where {@code repository} declares {@code capability}. */
    protected static void assumeCapability(Repository repository, Capability capability) {
        assumeTrue(repository.capabilities().contains(capability),
                () -> repository.type() + " does not declare " + capability);
    }

    /** Asserts that {@code call} throws a {@link GovernanceException} with {@code code}, and returns it. */
    protected static GovernanceException assertError(ErrorCode code, Executable call) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(code, e.code(), () -> "error code of " + e);
        return e;
    }

    /** A watch recorder waiting with {@link #awaitTimeout()}. */
    protected final ChangeEvent awaitEvent(EventRecorder recorder, ChangeEvent.Type type, String key, String value) {
        return recorder.await(awaitTimeout(), type + " " + key + " = " + value,
                e -> e.type() == type && e.key().equals(key) && (value == null || value.equals(e.value())));
    }
}
