package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.TimedRequests;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestsTest {

    private static final Checks CHECKS = new Checks("etcd", "'t' at http://h:1", 1024);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final TimedRequests requests = new TimedRequests(CHECKS, Duration.ofSeconds(5), closed::get,
            Failures::retryable, Failures::translate);

    private static CompletableFuture<String> failing(Status status) {
        return CompletableFuture.failedFuture(status.asRuntimeException());
    }

    @Test
    void idempotentRequestIsRetriedAcrossALeaderChange() {
        AtomicInteger calls = new AtomicInteger();
        String result = requests.idempotent("get", "/k", () -> calls.incrementAndGet() < 3
                ? failing(Status.UNAVAILABLE.withDescription("etcdserver: leader changed"))
                : CompletableFuture.completedFuture("value"));
        assertEquals("value", result);
        assertEquals(3, calls.get());
    }

    @Test
    void nonIdempotentRequestIsReportedNotRepeated() {
        AtomicInteger calls = new AtomicInteger();
        GovernanceException e = assertThrows(GovernanceException.class, () -> requests.once("compareAndSet", "/k",
                () -> {
                    calls.incrementAndGet();
                    return failing(Status.UNAVAILABLE.withDescription("etcdserver: leader changed"));
                }));
        assertEquals(1, calls.get(), "sent once");
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("not retried"), e::getMessage);
        assertTrue(e.getMessage().contains("compareAndSet '/k' on etcd repository"), e::getMessage);
    }

    @Test
    void failuresThatRetryCannotCureAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        GovernanceException e = assertThrows(GovernanceException.class, () -> requests.idempotent("put", "/k", () -> {
            calls.incrementAndGet();
            return failing(Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied"));
        }));
        assertEquals(1, calls.get());
        assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
    }

    @Test
    void unansweredRequestTimesOutWithinTheBudget() {
        long start = System.nanoTime();
        GovernanceException e = assertThrows(GovernanceException.class, () -> requests.run("get", "/k", true,
                Duration.ofMillis(200), CompletableFuture::new));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
    }

    @Test
    void interruptRestoresTheFlag() {
        Thread.currentThread().interrupt();
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> requests.idempotent("get", "/k", CompletableFuture::new));
        assertEquals(ErrorCode.INTERRUPTED, e.code());
        assertTrue(Thread.interrupted(), "flag restored");
    }

    @Test
    void closedRepositoryRefusesRequests() {
        closed.set(true);
        assertEquals(ErrorCode.CLOSED, assertThrows(GovernanceException.class,
                () -> requests.idempotent("get", "/k", () -> CompletableFuture.completedFuture("x"))).code());
    }

    @Test
    void wrongPasswordTranslatesToUnauthenticated() {
        Throwable fromCredentials = Status.UNAUTHENTICATED.withCause(Status.INVALID_ARGUMENT
                .withDescription("etcdserver: authentication failed, invalid user ID or password").asRuntimeException())
                .asRuntimeException();
        GovernanceException e = Failures.translate(CHECKS, "connect", "/", fromCredentials);
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
        Throwable unreachable = Status.UNAUTHENTICATED.withCause(Status.UNAVAILABLE.asRuntimeException()).asRuntimeException();
        assertTrue(Failures.retryable(unreachable), "an authentication that could not reach a server is retryable");
        assertEquals(ErrorCode.VALUE_TOO_LARGE, Failures.translate(CHECKS, "put", "/k",
                Status.INVALID_ARGUMENT.withDescription("etcdserver: request is too large").asRuntimeException()).code());
    }
}
