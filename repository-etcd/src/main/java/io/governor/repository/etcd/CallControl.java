package io.governor.repository.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.lock.LockRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC interceptor on the repository's channel that bounds and cancels calls: every unary call
 * but {@code Lock} gets the request timeout as its deadline (so a call made while no server is
 * reachable ends), and {@code Lock} calls, which wait server-side until the lock is free, are tracked
 * by lock name so that a {@code tryLock} that times out or is interrupted can cancel its call (etcd
 * then withdraws the waiting key). Streaming calls (watch, keep-alive) are left alone. Thread-safe.
 */
final class CallControl implements ClientInterceptor {

    private static final String LOCK_METHOD = "v3lockpb.Lock/Lock";

    private final long deadlineNanos;
    private final Map<ByteString, ClientCall<?, ?>> pendingLocks = new ConcurrentHashMap<>();
    /** Lock names whose next call is to be cancelled instead of sent (see {@link #cancelLock}). */
    private final Set<ByteString> cancelOnSend = ConcurrentHashMap.newKeySet();

    CallControl(Duration requestTimeout) {
        this.deadlineNanos = requestTimeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() != MethodDescriptor.MethodType.UNARY) {
            return next.newCall(method, options);
        }
        if (!LOCK_METHOD.equals(method.getFullMethodName())) {
            CallOptions bounded = options.getDeadline() == null
                    ? options.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS) : options;
            return next.newCall(method, bounded);
        }
        return new TrackedLockCall<>(next.newCall(method, options));
    }

    /**
     * Cancels the pending lock call for {@code name}, if there is one. With {@code unsent}, also a
     * lock call that was issued but has not reached this interceptor yet (jetcd sends it from its own
     * executor): it is cancelled when about to be sent and never reaches the server. The caller then
     * waits for the call to end and calls {@link #forgetUnsent}.
     */
    void cancelLock(ByteString name, String why, boolean unsent) {
        if (unsent) {
            cancelOnSend.add(name); // marked before looking: see TrackedLockCall.sendMessage
        }
        ClientCall<?, ?> call = pendingLocks.remove(name);
        if (call != null) {
            call.cancel(why, null);
        }
    }

    void forgetUnsent(ByteString name) {
        cancelOnSend.remove(name);
    }

    private final class TrackedLockCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
        private volatile ByteString name;
        private volatile boolean cancelled;

        TrackedLockCall(ClientCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                    ByteString n = name;
                    if (n != null) {
                        pendingLocks.remove(n, TrackedLockCall.this);
                    }
                    super.onClose(status, trailers);
                }
            }, headers);
        }

        /**
         * Registers the call by lock name, then looks for a withdrawal that came first: as
         * {@link #cancelLock} marks before it looks, one of the two always sees the other, so a
         * withdrawn call never goes out.
         */
        @Override
        public void sendMessage(Q message) {
            if (message instanceof LockRequest request) {
                name = request.getName();
                pendingLocks.put(name, this);
                if (cancelOnSend.remove(name)) {
                    pendingLocks.remove(name, this);
                    cancel("tryLock withdrawn before its lock call was sent", null);
                }
            }
            if (!cancelled) {
                super.sendMessage(message);
            }
        }

        @Override
        public void halfClose() {
            if (!cancelled) { // a cancelled call refuses it; its listener has been told already
                super.halfClose();
            }
        }

        @Override
        public void cancel(String message, Throwable cause) {
            cancelled = true;
            super.cancel(message, cause);
        }
    }
}
