package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksTest {

    private final Checks checks = new Checks("demo", "servers 'h:1'", 10);

    private static GovernanceException fails(ErrorCode code, Executable call) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(code, e.code(), e::toString);
        return e;
    }

    @Test
    void messagesNameTheOperationTheKeyAndTheRepository() {
        GovernanceException e = checks.error(ErrorCode.UNAVAILABLE, "put", "/a", "server down", null);
        assertEquals("put '/a' on demo repository (servers 'h:1'): server down", e.getMessage());
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
    }

    @Test
    void aClosedRepositoryRefusesEveryOperation() {
        fails(ErrorCode.CLOSED, () -> checks.requireOpen(true, "get", "/a"));
        fails(ErrorCode.CLOSED, () -> checks.requireKey(true, "get", "/a", false));
        fails(ErrorCode.CLOSED, () -> checks.requireValue(true, "put", "/a", "v"));
        fails(ErrorCode.CLOSED, () -> checks.requireOperations(true, List.of()));
        assertDoesNotThrow(() -> checks.requireOpen(false, "get", "/a"));
    }

    @Test
    void illegalKeysAreRefusedNamingTheKeyAndTheRootOnlyWhereAllowed() {
        for (String bad : new String[] {"", "a", "/a/", "/a//b", "/a b", null}) {
            GovernanceException e = fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireKey(false, "get", bad, true));
            assertTrue(e.getMessage().startsWith("get '" + bad + "' on demo repository"), e::getMessage);
        }
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireKey(false, "get", "/", false));
        assertEquals("/", checks.requireKey(false, "children", "/", true));
        assertEquals("/a/b", checks.requireKey(false, "get", "/a/b", false));
    }

    @Test
    void aLockWaitMustBeZeroOrPositive() {
        assertDoesNotThrow(() -> checks.requireTimeout("tryLock", "/locks/a", Duration.ZERO));
        GovernanceException e = fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireTimeout("tryLock", "/locks/a",
                Duration.ofMillis(-1)));
        assertEquals("tryLock '/locks/a' on demo repository (servers 'h:1'): timeout must be zero or positive, got PT-0.001S",
                e.getMessage());
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireTimeout("tryLock", "/locks/a", null));
    }

    @Test
    void valuesAreCountedInUtf8BytesAndNullIsRefused() {
        assertDoesNotThrow(() -> checks.requireValue(false, "put", "/a", "\u00e9".repeat(5)));
        GovernanceException e = fails(ErrorCode.VALUE_TOO_LARGE, () -> checks.requireValue(false, "put", "/a", "\u00e9".repeat(5) + "x"));
        assertTrue(e.getMessage().contains("11 bytes") && e.getMessage().contains("limit of 10 bytes"), e::getMessage);
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireValue(false, "put", "/a", null));
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireValue(false, "put", "/", "v"));
        assertEquals(10, checks.maxValueBytes());
        assertTrue(e.getMessage().endsWith("(property maxValueBytes)"), e::getMessage);
    }

    @Test
    void aValueOverTheLimitNamesWhatSetsTheLimit() {
        Checks derived = new Checks("demo", "servers 'h:1'", 10, "the request limit less room");
        GovernanceException e = fails(ErrorCode.VALUE_TOO_LARGE, () -> derived.requireValue(false, "put", "/a",
                "x".repeat(11)));
        assertTrue(e.getMessage().endsWith("limit of 10 bytes (the request limit less room)"), e::getMessage);
    }

    @Test
    void everyOperationOfACommitIsChecked() {
        assertDoesNotThrow(() -> checks.requireOperations(false, List.of(Operation.check("/a", null),
                Operation.put("/b", "v"), Operation.delete("/c"))));
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireOperations(false, List.of(Operation.delete("/"))));
        fails(ErrorCode.VALUE_TOO_LARGE, () -> checks.requireOperations(false, List.of(Operation.put("/b", "x".repeat(11)))));
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireOperations(false, Arrays.asList(Operation.delete("/a"),
                null)));
    }

    @Test
    void readAllArgumentsAreCheckedAndNamedInMessages() {
        assertEquals("/a (+1 more)", checks.requireReadAll(false, List.of("/a"), List.of("/")));
        GovernanceException e = fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireReadAll(false, List.of("/a"),
                null));
        assertTrue(e.getMessage().startsWith("readAll '/a' on demo repository") && e.getMessage().contains("parents"),
                e::getMessage);
        fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireReadAll(false, List.of("/"), List.of()));
        fails(ErrorCode.CLOSED, () -> checks.requireReadAll(true, List.of("/a"), List.of()));
    }

    @Test
    void aLockNameIsOneSegmentAndItsKeyIsUnderLocks() {
        assertEquals("/locks/a-1", checks.requireLockName(false, "a-1"));
        for (String bad : new String[] {"", "a/b", "..", "a b", null}) {
            GovernanceException e = fails(ErrorCode.INVALID_ARGUMENT, () -> checks.requireLockName(false, bad));
            assertTrue(e.getMessage().startsWith("lock '/locks/" + bad + "' on demo repository"), e::getMessage);
        }
        fails(ErrorCode.CLOSED, () -> checks.requireLockName(true, "a"));
    }

    @Test
    void causeFindsTheFirstOfATypeInTheChain() {
        SocketTimeoutException timeout = new SocketTimeoutException("slow");
        RuntimeException wrapped = new RuntimeException(new UncheckedIOException(new IOException("io", timeout)));
        assertSame(timeout, Checks.cause(wrapped, SocketTimeoutException.class).orElseThrow());
        assertEquals("io", Checks.cause(wrapped, IOException.class).orElseThrow().getMessage());
        assertSame(wrapped, Checks.cause(wrapped, RuntimeException.class).orElseThrow());
        assertTrue(Checks.cause(wrapped, IllegalStateException.class).isEmpty());
    }
}
