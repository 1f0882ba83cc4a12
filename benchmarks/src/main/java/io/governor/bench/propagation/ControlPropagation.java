package io.governor.bench.propagation;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StateEvent;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Stats;
import io.governor.core.ControlChange;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Control-change propagation (issue 21, item 7): N = 10 instances on one in-process ZooKeeper, a
 * database with a primary and two replicas; {@code GovernanceAdmin.disableDataSource} disables one
 * replica, and the clock runs from just before the call until every instance has stopped routing
 * reads to it (its {@code DATA_SOURCE ... DISABLED} state event, sent right after the routing
 * snapshot without the replica is published). After each disable the replica is enabled again,
 * unrecorded, and the next disable waits until every instance's status shows it enabled
 * ({@code awaitControl}): each disable starts with nothing in flight, as each of the floor's writes
 * does (its watchers do nothing after they saw a value; an instance writes its status;
 * {@code -Dbench.control.quietStart=false} starts it at once instead, as before 2026-12-02). The raw
 * floor is measured in the same run and under the same load: N bare {@code CuratorCache}s, each on
 * its own client, seeing one write ({@code RawFloor}).
 *
 * <p>Two loads: readers light (one thread, a read-only {@code SELECT 1} on some instance every
 * millisecond) and readers busy (four threads per core running read-only {@code SELECT 1} through
 * the instances' governed DataSources on H2 as fast as they can, keeping every core busy).
 *
 * <p>Not thread-safe; run from the benchmark's main thread.
 */
public final class ControlPropagation {

    private static final String DB = "orders";
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);
    private static final ControlChange ENABLED = new ControlChange(DB, "replica_0", null, "ENABLED");
    /**
     * Whether each disable waits for the statuses of the enable before it (default); false: the
     * disable follows the enable's last state event at once, as before 2026-12-02, while the
     * instances' status writes of the enable are still under way.
     */
    private static final boolean QUIET_START = !"false".equals(System.getProperty("bench.control.quietStart"));
    /** A pause before every write, Governor's and the floor's alike (outside the timing). */
    private static final long PAUSE_MS = Long.getLong("bench.control.pauseMs", 0);

    private ControlPropagation() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int n = Integer.getInteger("bench.control.instances", 10);
        int pushes = Integer.getInteger("bench.control.pushes", ctx.pick(20, 100));
        int warmup = Integer.getInteger("bench.control.warmup", ctx.pick(10, 300));
        int busyThreads = Integer.getInteger("bench.control.busyReaders", Runtime.getRuntime().availableProcessors());
        StringBuilder md = new StringBuilder();
        md.append("## Control-change propagation\n\n")
                .append("N = ").append(n).append(" governed instances on one in-process ZooKeeper (each its own `Governance` ")
                .append("and client connection, in one JVM); a database with a primary and two replicas. ")
                .append("A bare `setData` of the control node by a separate Curator client disables `replica_0` (as the floor's ")
                .append("writer writes); time from just before the write until every ")
                .append("instance has stopped routing reads to it (its `DATA_SOURCE orders/replica_0 DISABLED` state event, ")
                .append("sent right after the routing snapshot without it is published). The replica is enabled again, ")
                .append("unrecorded, after each disable, ")
                .append(QUIET_START ? "and the next disable waits until every instance's status shows it enabled "
                        + "(`awaitControl`), so that it starts with nothing in flight, as each of the floor's writes does. "
                        : "and the next disable follows the last `ENABLED` event at once (`-Dbench.control.quietStart=false`), "
                        + "while the instances' status writes of the enable are still under way. ")
                .append("Raw floor, in the same run under the same load: N `CuratorCache`s, ")
                .append("each on its own `CuratorFramework`, seeing one `setData` by a separate client. ")
                .append(pushes).append(" recorded disables per row after ").append(warmup).append(" unrecorded ones; ")
                .append("the floor gets the same counts. Readers light: one thread, a read-only `SELECT 1` on the instances ")
                .append("in turn every millisecond. Readers busy: ").append(busyThreads).append(" threads running read-only ")
                .append("`SELECT 1` through the instances' governed DataSources (H2 in memory) without pause, which keeps ")
                .append("every core busy. The column *through `GovernanceAdmin`* times the same disable made by ")
                .append("`GovernanceAdmin.disableDataSource`, which first reads and checks the database's configuration and ")
                .append("writes with a read and a guarded write (about three more round trips before the write lands), ")
                .append("with ").append(Math.min(warmup, 100)).append(" unrecorded disables first.\n\n")
                .append("| readers | Governor last-of-N p50 / p99 / max (ms) | raw floor last-of-N p50 / p99 / max (ms) ")
                .append("| ratio p50 | ratio p99 | Governor per-instance p50 / p99 (ms) | raw floor per-instance p50 / p99 (ms) | through `GovernanceAdmin`, last-of-N p50 / p99 / max (ms) | reads during the row |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        GovernanceConfig cfg = config(ctx, tag);
        List<Governance> instances = new ArrayList<>();
        List<Map<String, Long>> seen = new ArrayList<>();
        Object signal = new Object();
        String node = "/" + cfg.namespace() + "/control/databases/" + DB + "/datasources/replica_0";
        try (GovernanceAdmin admin = GovernanceAdmin.connect(cfg);
             org.apache.curator.framework.CuratorFramework writer = org.apache.curator.framework.CuratorFrameworkFactory
                     .newClient(ctx.servers().zookeeper(), 10_000, 5_000, new org.apache.curator.retry.ExponentialBackoffRetry(100, 3))) {
            writer.start();
            writer.blockUntilConnected(10, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                Map<String, Long> mine = new ConcurrentHashMap<>();
                seen.add(mine);
                instances.add(Governance.builder(cfg).serviceLoaderListeners(false).listener(new GovernanceListener() {
                    @Override
                    public boolean observesJdbc() {
                        return false;
                    }

                    @Override
                    public void stateChanged(StateEvent e) {
                        if (e.kind() == StateEvent.Kind.DATA_SOURCE && e.subject().equals(DB + "/replica_0")) {
                            mine.put(e.state(), System.nanoTime());
                            synchronized (signal) {
                                signal.notifyAll();
                            }
                        }
                    }
                }).build());
            }
            // the control node exists from here on (no change: no event); the bare writer only sets its data
            admin.enableDataSource(DB, "replica_0");
            for (String load : List.of("light", "busy")) {
                try (Readers readers = new Readers(instances, load.equals("light") ? 1 : busyThreads, load.equals("light"))) {
                    long reads0 = readers.reads();
                    Propagation.Result raw = RawFloor.measure(ctx, "zookeeper", n, pushes, new Propagation.Warmup(warmup, warmup, 0, true),
                            PAUSE_MS);
                    Result gov = measure(disabled -> writer.setData().forPath(node,
                            (disabled ? "DISABLED" : "ENABLED").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            admin, seen, signal, pushes, warmup);
                    Result viaAdmin = measure(disabled -> {
                        if (disabled) {
                            admin.disableDataSource(DB, "replica_0");
                        } else {
                            admin.enableDataSource(DB, "replica_0");
                        }
                    }, admin, seen, signal, pushes, Math.min(warmup, 100));
                    long reads = readers.reads() - reads0;
                    md.append("| ").append(load)
                            .append(" | ").append(gov.last().millis())
                            .append(" | ").append(raw.last().millis())
                            .append(" | ").append(String.format("%.2f", (double) gov.last().p50Nanos() / raw.last().p50Nanos()))
                            .append(" | ").append(String.format("%.2f", (double) gov.last().p99Nanos() / raw.last().p99Nanos()))
                            .append(" | ").append(Stats.ms(gov.each().p50Nanos())).append(" / ").append(Stats.ms(gov.each().p99Nanos()))
                            .append(" | ").append(Stats.ms(raw.each().p50Nanos())).append(" / ").append(Stats.ms(raw.each().p99Nanos()))
                            .append(" | ").append(viaAdmin.last().millis())
                            .append(" | ").append(reads)
                            .append(" |\n");
                    System.out.printf("control readers %s: governor last %s, raw last %s; per instance: governor %s, raw %s; "
                            + "JIT compilation during Governor's recorded disables: %.2f ms per disable%n",
                            load, gov.last().millis(), raw.last().millis(), gov.each().millis(), raw.each().millis(),
                            gov.jitMillisPerDisable());
                }
            }
        } finally {
            instances.forEach(Governance::close);
        }
        md.append("\nTarget (issue 21): a control change reaches every instance within 1.5 × the raw watch floor ")
                .append("measured in the same run, with readers light and with readers busy.\n");
        ctx.report("control", md.toString());
    }

    /** {@code jitMillisPerDisable}: the JIT's compile time (elapsed, all threads) during the recorded disables, per disable. */
    record Result(Stats last, Stats each, double jitMillisPerDisable) {
    }

    /** Sets replica_0 disabled or enabled. */
    @FunctionalInterface
    interface Control {
        void set(boolean disabled) throws Exception;
    }

    private static Result measure(Control control, GovernanceAdmin admin, List<Map<String, Long>> seen, Object signal,
                                  int pushes, int warmup) throws Exception {
        int n = seen.size();
        long[] last = new long[pushes];
        long[] each = new long[pushes * n];
        long jit0 = 0;
        // the replica is enabled at the start and at the end of every iteration
        for (int p = -warmup; p < pushes; p++) {
            if (p == 0) {
                jit0 = jitMillis();
            }
            seen.forEach(Map::clear);
            long t0 = System.nanoTime();
            control.set(true);
            awaitAll(seen, "DISABLED", t0, signal);
            if (p >= 0) {
                long max = 0;
                for (int i = 0; i < n; i++) {
                    long d = seen.get(i).get("DISABLED") - t0;
                    each[p * n + i] = d;
                    max = Math.max(max, d);
                }
                last[p] = max;
            }
            seen.forEach(Map::clear);
            control.set(false);
            awaitAll(seen, "ENABLED", System.nanoTime(), signal);
            if (QUIET_START) {
                // the next disable starts on a quiet center, as the floor's next write does: every
                // instance has written its status (a write the floor does not make)
                admin.awaitControl(ENABLED, STATUS_TIMEOUT);
            }
            if (PAUSE_MS > 0) {
                Thread.sleep(PAUSE_MS);
            }
        }
        return new Result(Stats.of(last), Stats.of(each), (double) (jitMillis() - jit0) / pushes);
    }

    /** Time the JIT compilers have spent so far, in ms (as the floor reports it). */
    private static long jitMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static void awaitAll(List<Map<String, Long>> seen, String state, long t0, Object signal)
            throws InterruptedException {
        while (!seen.stream().allMatch(m -> m.containsKey(state))) {
            if (System.nanoTime() - t0 > TIMEOUT_NANOS) {
                throw new IllegalStateException("control: not every instance saw replica_0 " + state + " within 30 s");
            }
            synchronized (signal) {
                signal.wait(5);
            }
        }
    }

    private static GovernanceConfig config(BenchContext ctx, String tag) {
        DatabaseConfig orders = DatabaseConfig.empty()
                .withDataSource("primary", h2(tag + "-primary"))
                .withDataSource("replica_0", h2(tag + "-replica0"))
                .withDataSource("replica_1", h2(tag + "-replica1"))
                .withRules(List.of(new ReadwriteSplittingRule("primary", List.of("replica_0", "replica_1"),
                        LoadBalancerType.ROUND_ROBIN, Map.of())));
        return GovernanceConfig.builder("control-" + tag)
                .registryCenter(io.governor.api.repository.RepositoryConfig.builder("zookeeper")
                        .serverLists(ctx.servers().zookeeper()).build())
                .database(DB, orders).build();
    }

    private static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "")
                .with("maximumPoolSize", "4").with("minimumIdle", "1");
    }

    /** Reader threads: read-only {@code SELECT 1} through the instances' governed DataSources. */
    private static final class Readers implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong reads = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        Readers(List<Governance> instances, int count, boolean paced) {
            for (int t = 0; t < count; t++) {
                int first = t;
                Thread th = new Thread(() -> {
                    int i = first;
                    while (!stop.get()) {
                        Governance g = instances.get(i++ % instances.size());
                        try (Connection c = g.dataSource(DB).getConnection()) {
                            c.setReadOnly(true);
                            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                                rs.next();
                            }
                            reads.incrementAndGet();
                        } catch (java.sql.SQLException e) {
                            // a pool being swapped; keep reading
                        }
                        if (paced) {
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                }, "bench-reader-" + t);
                th.setDaemon(true);
                th.start();
                threads.add(th);
            }
        }

        long reads() {
            return reads.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }
}
