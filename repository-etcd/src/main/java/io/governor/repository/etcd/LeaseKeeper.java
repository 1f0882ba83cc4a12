package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.HeartbeatLease;
import io.governor.api.repository.support.TimedRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The etcd side of the client's one {@link HeartbeatLease}: grants, keep-alives ({@code keepAliveOnce},
 * one request a beat), ephemeral puts and revocations. While no server answers, each retry first cuts
 * gRPC's reconnect backoff short ({@link ChannelBackoff}); after a reconnect the watches resume.
 * Thread-safe and stateless; blocks as each {@link HeartbeatLease.Store} method says; failures are
 * {@link GovernanceException}s worded by {@link TimedRequests}.
 */
final class LeaseKeeper implements HeartbeatLease.Store {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Client client;
    private final Keys keys;
    private final TimedRequests requests;
    private final ChannelBackoff backoff;
    private final Runnable afterReconnect;

    LeaseKeeper(Client client, Keys keys, TimedRequests requests, ChannelBackoff backoff, Runnable afterReconnect) {
        this.client = client;
        this.keys = keys;
        this.requests = requests;
        this.backoff = backoff;
        this.afterReconnect = afterReconnect;
    }

    @Override
    public long grant(String operation, long ttlSeconds, Duration budget) {
        long id = requests.run(operation, "/", true, budget, () -> client.getLeaseClient().grant(ttlSeconds)).getID();
        LOG.debug("[{}] granted lease {} with TTL {}s", requests.where(), Long.toHexString(id), ttlSeconds);
        return id;
    }

    @Override
    public void renew(long id, Duration budget) throws Exception {
        client.getLeaseClient().keepAliveOnce(id).get(budget.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void put(String key, String value, long id) {
        PutOption option = PutOption.builder().withLeaseId(id).build();
        requests.idempotent("putEphemeral", key, () -> client.getKVClient().put(keys.key(key), Keys.bytes(value), option));
    }

    @Override
    public CompletableFuture<?> revoke(long id) {
        return client.getLeaseClient().revoke(id);
    }

    /** The server's "requested lease not found", also behind a {@link GovernanceException} that wraps it. */
    @Override
    public boolean leaseGone(Throwable failure) {
        return Failures.leaseNotFound(failure instanceof GovernanceException && failure.getCause() != null
                ? failure.getCause() : failure);
    }

    @Override
    public String describe(Throwable failure) {
        return Failures.describe(failure);
    }

    @Override
    public void beforeRetry() {
        backoff.reset();
    }

    @Override
    public void reconnected() {
        afterReconnect.run();
    }
}
