package io.governor.core;

import io.governor.api.GovernanceException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper for the messages of configuration errors: runs a call that must throw
 * {@link GovernanceException} and checks the message's prefix and fragments. Stateless, thread safe.
 */
final class ErrorMessages {

    /** The first line of a minimal governor.yaml on the memory backend. */
    static final String HEADER = "governance: { namespace: n, registryCenter: { type: memory } }\n";

    private ErrorMessages() {
    }

    /**
     * Asserts that {@code call} throws {@link GovernanceException} whose message starts with
     * {@code prefix} (unless null) and contains every fragment; returns the exception.
     */
    static GovernanceException assertRejected(Executable call, String prefix, String... fragments) {
        return assertMessage(assertThrows(GovernanceException.class, call), prefix, fragments);
    }

    /** Asserts that the message of {@code e} starts with {@code prefix} (unless null) and contains every fragment. */
    static GovernanceException assertMessage(GovernanceException e, String prefix, String... fragments) {
        String message = e.getMessage();
        if (prefix != null) {
            assertTrue(message.startsWith(prefix), message);
        }
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), message);
        }
        return e;
    }
}
