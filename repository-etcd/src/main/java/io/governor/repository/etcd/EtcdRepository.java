package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.DaemonThreads;
import io.governor.api.repository.support.HeartbeatLease;
import io.governor.api.repository.support.StateListeners;
import io.governor.api.repository.support.TimedRequests;
import io.governor.api.repository.support.WatchSet;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * A {@link RegistryRepository} on etcd v3.
 *
 * <p><b>Keys</b> ({@link Keys}): etcd's keyspace is flat, so no key is written for a parent:
 * {@link #children} derives the direct children of a path from the keys below it, and {@link #get}
 * of a path that only has descendants is empty. {@link #delete} removes the key and every key below
 * it in one transaction. <b>Versions</b> are etcd mod revisions (they grow with every write of the key).
 *
 * <p><b>Ephemerals</b> live on the client's one lease ({@link HeartbeatLease}, {@link LeaseKeeper}).
 * A {@code put}, {@code compareAndSet} or {@code commit} on a key this client holds as ephemeral makes
 * it persistent (as etcd does) and the client stops re-creating it.
 *
 * <p>Thread-safe; every operation but {@link #watch} blocks up to the request timeout. Retry safety
 * is stated per operation in {@link io.governor.api.repository.Repository}; idempotent requests are
 * retried across a leader change by {@link TimedRequests}.
 */
final class EtcdRepository implements RegistryRepository, BulkReads {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdRepository.class);
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.allOf(Capability.class));

    private final EtcdSettings settings;
    private final Checks checks;
    private final Keys keys;
    private final DaemonThreads threads; // governor-<namespace>-lease, -notify and -jetcd-N (and -watch)
    private final WatchThread watchThread;
    private final ExecutorService notifier;
    private final ExecutorService jetcd;
    private final CallControl control;
    private final Client client;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TimedRequests requests;
    private final Transactions txns;
    private final StateListeners states;
    private final HeartbeatLease keeper;
    private final WatchSet<PrefixWatch> watches = new WatchSet<>();
    private final ConcurrentHashMap<String, EtcdLock> locks = new ConcurrentHashMap<>();

    private EtcdRepository(EtcdSettings settings) {
        this.settings = settings;
        this.checks = new Checks(EtcdRepositoryProvider.TYPE, settings.label(), settings.maxValueBytes(),
                "etcd's request limit " + settings.maxRequestBytes() + " less room for key and framing");
        this.keys = new Keys(settings.namespace());
        String label = settings.namespace().isEmpty() ? "root" : settings.namespace();
        this.threads = new DaemonThreads(label, Duration.ofSeconds(5));
        this.watchThread = new WatchThread(label);
        this.notifier = Executors.newSingleThreadExecutor(threads.factory("notify", false));
        this.jetcd = Executors.newCachedThreadPool(threads.factory("jetcd-", true));
        this.control = new CallControl(settings.requestTimeout());
        this.client = Connector.build(settings, control, jetcd);
        this.requests = new TimedRequests(checks, settings.requestTimeout(), closed::get, Failures::retryable,
                Failures::translate);
        this.txns = new Transactions(client.getKVClient(), keys, requests, settings.maxRequestBytes(), settings.maxTxnOps());
        this.states = new StateListeners(settings.label(), notifier);
        this.keeper = new HeartbeatLease(settings.label(), new LeaseKeeper(client, keys, requests,
                ChannelBackoff.of(client, settings.label()), () -> watches.forEach(PrefixWatch::restart)),
                states, threads, settings.leaseTtl(), settings.requestTimeout());
    }

    /**
     * Connects, grants the client's lease and reports {@code CONNECTED}.
     *
     * @throws GovernanceException {@code CONNECT_FAILED} when no server answered within the connect
     *         timeout or when no endpoint's host name resolves, {@code UNAUTHENTICATED} for wrong credentials
     */
    static EtcdRepository connect(EtcdSettings settings) {
        Connector.requireResolvableHost(settings); // before any thread or channel exists
        EtcdRepository r = new EtcdRepository(settings);
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        try {
            // a count of the namespace proves that a server answers and that the credentials may read
            // the namespace (etcd 3.4 grants leases without checking them)
            GetOption count = GetOption.builder().withRange(r.keys.subtreeEnd("/")).withCountOnly(true).build();
            r.requests.run("connect", "/", true, settings.connectTimeout(),
                    () -> r.client.getKVClient().get(r.keys.subtreeStart("/"), count));
            r.keeper.start(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(200).toNanos())));
        } catch (RuntimeException e) {
            r.close();
            throw e instanceof GovernanceException g ? connectFailure(settings, g) : new GovernanceException(
                    ErrorCode.CONNECT_FAILED, "connect to etcd repository " + settings.label() + " failed: " + e, e);
        }
        r.states.report(ConnectionState.CONNECTED, "lease " + Long.toHexString(r.keeper.leaseId()) + " with TTL "
                + settings.leaseTtl().toSeconds() + "s" + (settings.user() == null ? "" : ", user '" + settings.user() + "'")
                + (settings.tls() ? ", TLS" : ""));
        return r;
    }

    private static GovernanceException connectFailure(EtcdSettings s, GovernanceException e) {
        String who = "connect to etcd repository " + s.label() + (s.user() == null ? "" : " as user '" + s.user() + "'");
        return switch (e.code()) {
            case TIMEOUT, UNAVAILABLE, CLOSED -> new GovernanceException(ErrorCode.CONNECT_FAILED, who
                    + ": no server answered within the connect timeout of " + s.connectTimeout().toMillis() + "ms", e);
            case UNAUTHENTICATED -> new GovernanceException(ErrorCode.UNAUTHENTICATED, who
                    + ": authentication failed; check the user and password", e);
            case INTERRUPTED -> e;
            default -> new GovernanceException(e.code(), who + " failed: " + e.getMessage(), e);
        };
    }

    @Override
    public String type() {
        return EtcdRepositoryProvider.TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int maxValueBytes() {
        return settings.maxValueBytes();
    }

    /** The write path, for tests of its parts. */
    Transactions transactions() {
        return txns;
    }

    @Override
    public Optional<VersionedValue> get(String key) {
        checks.requireKey(closed.get(), "get", key, false);
        return txns.read(key).map(Keys::value);
    }

    @Override
    public List<String> children(String key) {
        checks.requireKey(closed.get(), "children", key, true);
        return txns.descendants("children", key, true).stream().map(kv -> keys.childName(key, kv.getKey()))
                .filter(Objects::nonNull).distinct().sorted().collect(Collectors.toCollection(ArrayList::new));
    }

    /** One range request (one snapshot) over everything below {@code key}; deeper descendants are read and dropped. */
    @Override
    public SortedMap<String, VersionedValue> childValues(String key) {
        checks.requireKey(closed.get(), "childValues", key, true);
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        directChildren(key, txns.descendants("childValues", key, false), (path, v) -> out.put(Paths.name(path), v));
        return out;
    }

    /**
     * One snapshot: one read transaction (see {@link Transactions#readAll}) of a range per key and
     * one below each parent, whose deeper descendants are read and dropped. Idempotent.
     */
    @Override
    public SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) {
        String label = checks.requireReadAll(closed.get(), keys, parents);
        List<String> keyList = List.copyOf(new LinkedHashSet<>(keys));
        List<String> parentList = List.copyOf(new LinkedHashSet<>(parents));
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        List<List<KeyValue>> ranges = txns.readAll(label, keyList, parentList, new long[1]);
        for (int i = 0; i < keyList.size(); i++) {
            String key = keyList.get(i);
            ranges.get(i).forEach(kv -> out.put(key, Keys.value(kv)));
        }
        for (int i = 0; i < parentList.size(); i++) {
            directChildren(parentList.get(i), ranges.get(keyList.size() + i), out::put);
        }
        LOG.debug("[{}] readAll {}: {} node(s)", settings.label(), label, out.size());
        return out;
    }

    /** Passes each direct child of {@code parent} in a range of its descendants to {@code sink}, by path. */
    private void directChildren(String parent, List<KeyValue> descendants, BiConsumer<String, VersionedValue> sink) {
        for (KeyValue kv : descendants) {
            String path = keys.path(kv.getKey());
            if (path != null && !path.equals(parent) && Paths.parent(path).equals(parent)) {
                sink.accept(path, Keys.value(kv));
            }
        }
    }

    @Override
    public void put(String key, String value) {
        checks.requireValue(closed.get(), "put", key, value);
        keeper.disown(key);
        txns.put(key, value);
        LOG.debug("[{}] put '{}'", settings.label(), key);
    }

    @Override
    public boolean compareAndSet(String key, String expectedValue, String newValue) {
        checks.requireValue(closed.get(), "compareAndSet", key, newValue);
        boolean done = txns.compareAndSet(key, expectedValue, newValue);
        if (done) {
            keeper.disown(key);
        }
        LOG.debug("[{}] compareAndSet '{}': {}", settings.label(), key, done);
        return done;
    }

    @Override
    public void delete(String key) {
        checks.requireKey(closed.get(), "delete", key, false);
        keeper.forget(key, () -> txns.deleteRecursively(key));
        LOG.debug("[{}] delete '{}'", settings.label(), key);
    }

    @Override
    public boolean commit(List<Operation> operations) {
        requests.ensureOpen("commit", "/");
        if (operations == null || operations.isEmpty()) {
            throw checks.error(ErrorCode.INVALID_ARGUMENT, "commit", "/", "no operations", null);
        }
        checks.requireOperations(closed.get(), operations);
        boolean done = txns.commit(operations);
        if (done) {
            operations.stream().filter(o -> !(o instanceof Operation.Check)).forEach(o -> keeper.disownAll(o.key()));
        }
        LOG.debug("[{}] commit of {} operation(s): {}", settings.label(), operations.size(), done);
        return done;
    }

    @Override
    public Watch watch(String prefix, WatchListener listener) {
        checks.requireKey(closed.get(), "watch", prefix, true);
        if (listener == null) {
            throw checks.error(ErrorCode.INVALID_ARGUMENT, "watch", prefix, "listener is null", null);
        }
        PrefixWatch w = new PrefixWatch(prefix, listener, client, keys, requests, watchThread);
        watches.open(w, w::start);
        LOG.debug("[{}] watching '{}'", settings.label(), prefix);
        return w;
    }

    /** {@link #watch} itself: an etcd event carries its value, so a keys-only watch saves nothing. */
    @Override
    public Watch watchKeys(String prefix, WatchListener listener) {
        return watch(prefix, listener);
    }

    @Override
    public void putEphemeral(String key, String value) {
        checks.requireValue(closed.get(), "putEphemeral", key, value);
        keeper.putEphemeral(key, value);
        LOG.debug("[{}] putEphemeral '{}'", settings.label(), key);
    }

    @Override
    public DistributedLock lock(String name) {
        checks.requireLockName(closed.get(), name);
        return locks.computeIfAbsent(name, n -> new EtcdLock(n, keys, client.getLockClient(), client.getKVClient(),
                control, requests, keeper, watchThread));
    }

    @Override
    public void addConnectionStateListener(ConnectionStateListener listener) {
        states.add(listener);
    }

    @Override
    public void removeConnectionStateListener(ConnectionStateListener listener) {
        states.remove(listener);
    }

    /** For tests that make the server drop the lease. */
    long leaseId() {
        return keeper.leaseId();
    }

    /** Closes the watches, revokes the lease (which removes the ephemerals and lock keys), the client, every thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watches.closeAll();
        watchThread.close(threads.isOwn() ? Duration.ZERO : Duration.ofSeconds(5));
        keeper.close(); // stops the heartbeat first
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("[{}] closing the jetcd client: {}", settings.label(), e.toString());
        }
        threads.stop(notifier, true); // queued notifications are delivered first
        threads.stop(jetcd, false);
        threads.join();
        LOG.info("[{}] etcd repository closed", settings.label());
    }
}
