package io.governor.bench.locks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.support.Observers;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.LockLease;
import io.governor.api.repository.RepositoryConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Curators;
import io.governor.core.Governance;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Locks (issue 8, item 4): acquire + release per second through Governor's {@link DistributedLock}
 * ({@code Governance.lock(name).tryLock}) against the raw client used directly - Curator's
 * {@link InterProcessMutex} on ZooKeeper, jetcd's lock service with a lease on etcd - with 1 thread
 * (uncontended) and with 4 contenders on the same lock name. Every contender has its own client
 * connection (its own {@link Governance}, {@link CuratorFramework} or jetcd {@link Client}).
 *
 * <p>Each round sets up both sides and alternates short counted slices of raw and Governor runs
 * (the machine's background load then weighs on both alike); the ratio Governor / raw is reported
 * per round (median and min-max). The memory backend has no raw client to compare with.
 *
 * <p>Not thread-safe; run from the benchmark's main thread.
 */
public final class Locks {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long ETCD_LEASE_TTL_SECONDS = 10; // Governor's default leaseTtl

    private Locks() {
    }

    /** One acquire + release by one contender. */
    @FunctionalInterface
    private interface Op {
        void run() throws Exception;
    }

    /** A set of contenders with their connections. */
    /** The contenders' operations, and how to close their clients. */
    private record Contenders(List<Op> ops, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    public static void run(BenchContext ctx) throws Exception {
        int rounds = ctx.pick(1, 3);
        Duration warmupFirst = Duration.ofMillis(ctx.pick(500, 2000)); // each side, once per round
        int slices = ctx.pick(2, 3);
        Duration warmup = Duration.ofMillis(ctx.pick(300, 400));
        Duration window = Duration.ofMillis(ctx.pick(1000, 1500));
        StringBuilder md = new StringBuilder();
        md.append("### Locks: acquire + release per second, Governor's `DistributedLock` vs the raw client\n\n");
        md.append("Each contender has its own client connection and loops acquire/release on the same lock name. ")
                .append("A round sets up both sides (raw and Governor, each with its own connections), warms each up for ")
                .append(warmupFirst.toMillis()).append(" ms, then runs ").append(slices).append(" slices per side, ")
                .append("alternating raw and Governor (").append(warmup.toMillis()).append(" ms ramp + ")
                .append(window.toMillis()).append(" ms counted each), so both sides see the same background load. ")
                .append(rounds).append(" round(s); ratio = Governor / raw mean ops/s of the same round; target ≥ 0.8.\n\n");
        md.append("| backend | contenders | raw client | raw ops/s (median) | Governor ops/s (median) | ratio median (min–max) |\n");
        md.append("|---|---|---|---|---|---|\n");
        List<String> notes = new ArrayList<>();
        for (String backend : ctx.backends()) {
            if (!backend.equals("zookeeper") && !backend.equals("etcd")) {
                notes.add("`" + backend + "`: skipped (no raw client to compare with).");
                continue;
            }
            for (int contenders : new int[] {1, 4}) {
                double[] raw = new double[rounds];
                double[] gov = new double[rounds];
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    String lockName = "bench" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
                    try (Contenders rawSide = raw(ctx, backend, contenders, lockName);
                         Contenders govSide = governor(ctx, backend, contenders, lockName)) {
                        measure(rawSide.ops(), Duration.ZERO, warmupFirst);
                        measure(govSide.ops(), Duration.ZERO, warmupFirst);
                        for (int k = 0; k < 2 * slices; k++) {
                            boolean isRaw = (k + r) % 2 == 0;
                            double opsPerSecond = measure((isRaw ? rawSide : govSide).ops(), warmup, window);
                            if (isRaw) {
                                raw[r] += opsPerSecond / slices;
                            } else {
                                gov[r] += opsPerSecond / slices;
                            }
                        }
                    }
                    ratio[r] = gov[r] / raw[r];
                    System.out.printf("locks: %s, %d contender(s), round %d: raw %.0f ops/s, governor %.0f ops/s, ratio %.2f%n",
                            backend, contenders, r + 1, raw[r], gov[r], ratio[r]);
                }
                md.append("| ").append(backend).append(" | ").append(contenders).append(" | ")
                        .append(backend.equals("zookeeper") ? "Curator `InterProcessMutex`" : "jetcd `Lock` + lease")
                        .append(" | ").append(String.format("%.0f", median(raw))).append(" | ")
                        .append(String.format("%.0f", median(gov))).append(" | ")
                        .append(String.format("%.2f (%.2f–%.2f)", median(ratio), min(ratio), max(ratio))).append(" |\n");
            }
        }
        md.append("\nGovernor's operation is `Governance.lock(name).tryLock(30s)` then `LockLease.close()` (which also ")
                .append("reports ACQUIRED/RELEASED to listeners; none are registered here); raw is `InterProcessMutex.acquire(30s)`/`release()` ")
                .append("(ZooKeeper) or `Lock.lock(name, lease)`/`unlock(key)` with one lease per client, TTL ")
                .append(ETCD_LEASE_TTL_SECONDS).append(" s, kept alive by jetcd (etcd).\n");
        md.append("\nRound trips per uncontended acquire+release. ZooKeeper raw: create (protected ephemeral-sequential, "
                + "a write) + getChildren + delete (a write), all waited for. Governor: create (its answer carries the "
                + "creation zxid, the fencing token) + getChildren; the release is a background guaranteed delete, so it "
                + "overlaps the next create and both share one log sync - which is why Governor can beat the raw mutex. "
                + "Contended, each waiter also watches its predecessor (Curator: getData, Governor: exists) and lists "
                + "the children again when it goes. etcd raw: `Lock` (the server's lock service runs a transaction "
                + "that queues the waiter key and reads the queue head) + `Unlock`. Governor uncontended: the same "
                + "transaction sent by the client, so the grant and its create revision (the fencing token) come back "
                + "in one round trip, + `Unlock`; contended: that transaction, then `Lock` (the service takes over the "
                + "queued key and waits), a read of the key (its create revision, and a check that it still lives on "
                + "the client's lease: etcd 3.4's lock service can answer for a key whose lease ran out while it "
                + "waited), then `Unlock`. Contended etcd throughput is bound by the handover inside the server (a "
                + "watch on the predecessor, then a read), the same on both sides.\n");
        ctx.report("locks", md, notes);
    }

    /** Runs every op in its own thread; returns completed ops per second within the window after the warm-up. */
    private static double measure(List<Op> ops, Duration warmup, Duration window) throws InterruptedException {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        op.run();
                        done.increment();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                }
            }, "locks-bench-" + i);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Thread.sleep(warmup.toMillis());
        long before = done.sum();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        long after = done.sum();
        long t1 = System.nanoTime();
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a lock contender failed", failure.get());
        }
        return (after - before) / ((t1 - t0) / 1e9);
    }

    private static Contenders governor(BenchContext ctx, String backend, int n, String lockName) {
        RepositoryConfig registry = RepositoryConfig.builder(backend)
                .serverLists(backend.equals("zookeeper") ? ctx.servers().zookeeper() : ctx.servers().etcd())
                .build();
        GovernanceConfig config = GovernanceConfig.builder("locksbench").registryCenter(registry).build();
        List<Governance> instances = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Governance g = Governance.builder(config).serviceLoaderListeners(false).build();
            instances.add(g);
            DistributedLock lock = g.lock(lockName);
            ops.add(() -> {
                LockLease lease = lock.tryLock(WAIT).orElseThrow(() -> new IllegalStateException("lock not granted in " + WAIT));
                lease.close();
            });
        }
        return new Contenders(ops, () -> instances.forEach(Governance::close));
    }

    private static Contenders raw(BenchContext ctx, String backend, int n, String lockName) throws Exception {
        return backend.equals("zookeeper") ? curator(ctx.servers().zookeeper(), n, lockName) : jetcd(ctx.servers().etcd(), n, lockName);
    }

    private static Contenders curator(String connect, int n, String lockName) throws Exception {
        List<CuratorFramework> clients = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CuratorFramework c = Curators.connected(connect, Duration.ofSeconds(30), Duration.ofSeconds(10),
                    new ExponentialBackoffRetry(100, 3), Duration.ofSeconds(30));
            clients.add(c);
            InterProcessMutex mutex = new InterProcessMutex(c, "/rawlocks/" + lockName);
            ops.add(() -> {
                if (!mutex.acquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("lock not granted in " + WAIT);
                }
                mutex.release();
            });
        }
        return new Contenders(ops, () -> clients.forEach(CuratorFramework::close));
    }

    private static Contenders jetcd(String endpoints, int n, String lockName) throws Exception {
        List<Client> clients = new ArrayList<>();
        List<CloseableClient> keepAlives = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        ByteSequence name = ByteSequence.from("/rawlocks/" + lockName, StandardCharsets.UTF_8);
        for (int i = 0; i < n; i++) {
            Client c = Client.builder().endpoints(endpoints.split(",")).build();
            clients.add(c);
            long lease = c.getLeaseClient().grant(ETCD_LEASE_TTL_SECONDS).get(30, TimeUnit.SECONDS).getID();
            keepAlives.add(c.getLeaseClient().keepAlive(lease, Observers.observer(r -> { })));
            io.etcd.jetcd.Lock lockClient = c.getLockClient();
            ops.add(() -> {
                LockResponse r = lockClient.lock(name, lease).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                lockClient.unlock(r.getKey()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            });
        }
        return new Contenders(ops, () -> {
            keepAlives.forEach(CloseableClient::close);
            clients.forEach(Client::close);
        });
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
