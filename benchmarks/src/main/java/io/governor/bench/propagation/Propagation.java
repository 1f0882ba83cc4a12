package io.governor.bench.propagation;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.repository.RepositoryConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Stats;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Change propagation (issue 8, item 2): one admin call changes a database's read/write-splitting
 * rule; the time from just before the call until each of N governed instances (each a separate
 * {@link Governance} with its own client connection) has applied it, seen through
 * {@link GovernanceListener#configurationApplied}. Next to it, the raw floor measured the same way
 * with the bare client ({@link RawFloor}): N watchers, each on its own connection, seeing a plain
 * write of a value of similar size. All timestamps are {@link System#nanoTime()} in this JVM.
 *
 * <p>Not thread-safe; run from the benchmark's main thread.
 */
public final class Propagation {

    static final String DB = "orders";
    /**
     * Whether each recorded push waits until every instance's status shows the previous one
     * (default), so that it starts from a quiet center as each of the floor's writes does (its
     * watchers do nothing after they saw a value; an instance writes its status after it applied).
     * False: back to back, while the previous push's status writes may still be under way.
     */
    static final boolean QUIET_START = Boolean.parseBoolean(System.getProperty("bench.propagation.quietStart", "true"));
    private static final long PUSH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private Propagation() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int pushes = Integer.getInteger("bench.propagation.pushes", ctx.pick(20, 100));
        // In full mode, warm up until the JIT is quiet: with 10 and then 300 fixed pushes, C2 was still
        // compiling the apply path and the clients' I/O during the recorded pushes, and its compiler
        // threads took the same 2 cores (docs/performance.md §2, "Steady state")
        Warmup warmup = Warmup.of(ctx);
        int[] sizes = java.util.Arrays.stream(System.getProperty("bench.propagation.sizes", "10,50").split(","))
                .mapToInt(Integer::parseInt).toArray();
        StringBuilder md = new StringBuilder();
        md.append("## Change propagation\n\n")
                .append("One `GovernanceAdmin.updateRules` call changes the read/write-splitting rule of one database; ")
                .append("time from just before the call until each of N governed instances (each its own `Governance` ")
                .append("with its own client connection, all in one JVM) reports `configurationApplied` for the returned ")
                .append("revision. Raw floor: N bare watchers (ZooKeeper: `CuratorCache` on its own `CuratorFramework`; ")
                .append("etcd: a jetcd watch on its own `Client`; memory: a watch on its own memory-repository client) ")
                .append("seeing a plain write of a value of similar size (").append(RawFloor.VALUE_BYTES)
                .append(" bytes) by a separate client. ")
                .append(pushes).append(" pushes per row after ").append(warmup.describe())
                .append(warmup.fixed() && warmup.min() < 100 ? "" : " (so that the recorded pushes run compiled code: "
                        + "with N instances in one JVM on few cores, C2 needs hundreds to thousands of pushes to finish "
                        + "compiling the apply path and the clients' I/O, and meanwhile its compiler threads take the cores "
                        + "the instances run on; both sides are warmed up by the same rule, and the table gives how many "
                        + "pushes each took)")
                .append("; ")
                .append("the next push starts when every instance has applied the previous one.\n\n")
                .append("| backend | N | Governor last-of-N p50 / p99 / max (ms) | raw floor last-of-N p50 / p99 / max (ms) ")
                .append("| ratio p99 | Governor per-instance p50 / p99 (ms) | raw per-instance p50 / p99 (ms) ")
                .append("| CPU ms per push Governor / raw | warm-up pushes Governor / raw |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (String backend : ctx.backends()) {
            for (int n : sizes) {
                Result raw = RawFloor.measure(ctx, backend, n, pushes, warmup);
                Result gov = measureGovernor(ctx, backend, n, pushes, warmup);
                md.append("| ").append(backend).append(" | ").append(n)
                        .append(" | ").append(gov.last().millis())
                        .append(" | ").append(raw.last().millis())
                        .append(" | ").append(String.format("%.1f", (double) gov.last().p99Nanos() / raw.last().p99Nanos()))
                        .append(" | ").append(Stats.ms(gov.each().p50Nanos())).append(" / ").append(Stats.ms(gov.each().p99Nanos()))
                        .append(" | ").append(Stats.ms(raw.each().p50Nanos())).append(" / ").append(Stats.ms(raw.each().p99Nanos()))
                        .append(" | ").append(Stats.ms(gov.cpuNanosPerPush())).append(" / ").append(Stats.ms(raw.cpuNanosPerPush()))
                        .append(" | ").append(gov.warmupPushes()).append(" / ").append(raw.warmupPushes())
                        .append(" |\n");
                System.out.printf("propagation %s N=%d: governor last %s, raw last %s, cpu/push %s / %s ms%n", backend, n,
                        gov.last().millis(), raw.last().millis(), Stats.ms(gov.cpuNanosPerPush()), Stats.ms(raw.cpuNanosPerPush()));
            }
        }
        md.append("\nCPU per push: CPU time of the benchmark JVM over the recorded pushes divided by their number (all ")
                .append("threads: admin, instances, clients; the in-process ZooKeeper server included, the etcd server ")
                .append("process not). It is what N instances on shared cores queue behind.\n");
        md.append("\nWork per push, Governor: the admin reads the database (compare-and-set base), writes the rules and ")
                .append("reads the props (its revision); each instance, on the watch event, re-reads the whole database ")
                .append("and the props (etcd: `LocalReads.readLocally`, answered from the configuration watch's own copy of ")
                .append("`/config`, no request; ZooKeeper: one `BulkReads.readAll`, 1 read-only multi of rules, props, ")
                .append("the data sources' listing and their getData, the configuration watch reading nothing, ")
                .append("`BulkReads.watchKeys`; memory: one `readAll`), validates it ")
                .append("as a whole (unchanged nodes are not parsed again), digests its canonical content (the revision), ")
                .append("swaps the rules in, ")
                .append("calls the listeners; its control thread then writes its status node (1 write, coalesced with any ")
                .append("other status change queued meanwhile). Raw floor: one watch event per ")
                .append("watcher (ZooKeeper: CuratorCache then reads the node, 1 request). All N instances and the ")
                .append("servers share this machine's cores.\n");
        md.append("\nTarget (issue 8): Governor last-of-50 p99 ≤ 50 ms and ≤ 2 × the raw floor.\n");
        ctx.report("propagation", md.toString());
    }

    /**
     * Last-of-N latencies (one per push), per-instance latencies (N per push) and the CPU time this
     * JVM spent per recorded push (all threads; the in-process ZooKeeper server included, the etcd
     * server process not).
     */
    record Result(Stats last, Stats each, long cpuNanosPerPush, int warmupPushes) {
    }

    /** CPU time of this JVM so far. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The repository configuration of a backend; {@code memoryStore} names the memory store. */
    static RepositoryConfig center(BenchContext ctx, String backend, String memoryStore) {
        return switch (backend) {
            case "memory" -> RepositoryConfig.builder("memory").serverLists(memoryStore).build();
            case "zookeeper" -> RepositoryConfig.builder("zookeeper").serverLists(ctx.servers().zookeeper()).build();
            case "etcd" -> RepositoryConfig.builder("etcd").serverLists(ctx.servers().etcd()).build();
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
    }

    static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "")
                .with("maximumPoolSize", "2").with("minimumIdle", "0");
    }

    /** The rule of push {@code i}: the replicas' weights change on every push, so every revision is new. */
    static List<RuleConfig> rules(int i) {
        return List.of(new ReadwriteSplittingRule("primary", List.of("replica_0", "replica_1"), LoadBalancerType.WEIGHT,
                Map.of("replica_0", 1 + i % 1000, "replica_1", 1 + (i / 1000) % 1000)));
    }

    private static Result measureGovernor(BenchContext ctx, String backend, int n, int pushes, Warmup warmup) throws Exception {
        String tag = backend + "-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseConfig orders = DatabaseConfig.empty()
                .withDataSource("primary", h2(tag + "-primary"))
                .withDataSource("replica_0", h2(tag + "-replica0"))
                .withDataSource("replica_1", h2(tag + "-replica1"))
                .withRules(rules(0));
        GovernanceConfig cfg = GovernanceConfig.builder("propagation-" + tag)
                .registryCenter(center(ctx, backend, "bench-" + tag))
                .database(DB, orders).build();
        List<Map<String, Long>> applied = new ArrayList<>();
        List<Governance> instances = new ArrayList<>();
        Object signal = new Object();
        try (GovernanceAdmin admin = GovernanceAdmin.connect(cfg)) {
            for (int i = 0; i < n; i++) {
                Map<String, Long> seen = new ConcurrentHashMap<>();
                applied.add(seen);
                instances.add(Governance.builder(cfg).serviceLoaderListeners(false).listener(new GovernanceListener() {
                    @Override
                    public boolean observesJdbc() {
                        return false;
                    }

                    @Override
                    public void configurationApplied(ConfigurationEvent event) {
                        seen.put(event.revision(), System.nanoTime());
                        synchronized (signal) {
                            signal.notifyAll();
                        }
                    }
                }).build());
            }
            return pushes(warmup, pushes, applied, signal, backend + " N=" + n + " revision",
                    push -> admin.updateRules(DB, current -> rules(push)),
                    previous -> {
                        if (QUIET_START) {
                            admin.awaitConvergence(DB, previous, java.time.Duration.ofSeconds(30));
                        }
                    });
        } finally {
            instances.forEach(Governance::close);
        }
    }

    /** One push: makes the change numbered {@code push} and returns the key every map will record. */
    @FunctionalInterface
    interface Push<K> {
        K run(int push) throws Exception;
    }

    /**
     * How many unrecorded pushes come first. Fixed ({@code -Dbench.propagation.warmup=N}): exactly
     * {@code min}. Otherwise at least {@code min}, then more in blocks of {@value #BLOCK} until the
     * JIT is quiet (its compile time over the last {@value #QUIET_BLOCKS} blocks averages at most
     * {@code quietMillisPerPush} per push) or {@code max} is reached.
     */
    record Warmup(int min, int max, double quietMillisPerPush, boolean fixed) {

        static final int BLOCK = 100;
        static final int QUIET_BLOCKS = 3;

        static Warmup of(BenchContext ctx) {
            Integer fixed = Integer.getInteger("bench.propagation.warmup");
            if (fixed != null) {
                return new Warmup(fixed, fixed, 0, true);
            }
            double quiet = Double.parseDouble(System.getProperty("bench.propagation.jitQuietMs", "5"));
            return new Warmup(ctx.pick(3, 300), Integer.getInteger("bench.propagation.maxWarmup", ctx.pick(3, 6000)),
                    quiet, ctx.quick());
        }

        /** Whether {@code done} pushes suffice, given the JIT's compile time (ms) of the last blocks. */
        boolean enough(int done, long[] lastBlocksJitMillis) {
            if (done < min) {
                return false;
            }
            if (fixed) {
                return true;
            }
            return done % BLOCK == 0 && done >= QUIET_BLOCKS * BLOCK
                    && java.util.Arrays.stream(lastBlocksJitMillis).sum() <= quietMillisPerPush * QUIET_BLOCKS * BLOCK;
        }

        String describe() {
            return fixed ? min + " unrecorded warm-up pushes"
                    : "unrecorded warm-up pushes, at least " + min + " and then until the JIT is quiet (its compile time "
                    + "over the last " + QUIET_BLOCKS * BLOCK + " pushes at most " + quietMillisPerPush
                    + " ms per push) or " + max + " pushes";
        }
    }

    /**
     * Runs unrecorded pushes as {@code warmup} says, then {@code pushes} recorded ones, each timed
     * from just before {@code push} until every map of {@code seen} holds its key; the next push
     * starts after.
     */
    static <K> Result pushes(Warmup warmup, int pushes, List<Map<K, Long>> seen, Object signal, String what, Push<K> push)
            throws Exception {
        return pushes(warmup, pushes, seen, signal, what, push, previous -> { });
    }

    /** Work to wait for before a recorded push, outside its timing; gets the previous push's key. */
    @FunctionalInterface
    interface Settle<K> {
        void await(K previous) throws Exception;
    }

    /** As above, with {@code settle} run before every push but the first (outside its timing). */
    static <K> Result pushes(Warmup warmup, int pushes, List<Map<K, Long>> seen, Object signal, String what, Push<K> push,
                             Settle<K> settle) throws Exception {
        String label = what.replace(" revision", "").replace(" push", "");
        int number = 0;
        long[] blockJit = new long[Warmup.QUIET_BLOCKS];
        long jitMark = jitMillis();
        long cpuMark = processCpuNanos();
        int done = 0;
        K previous = null;
        while (done < warmup.max()) {
            if (previous != null) {
                settle.await(previous);
            }
            seen.forEach(Map::clear);
            previous = push.run(++number);
            awaitAll(seen, previous, System.nanoTime(), signal, what);
            done++;
            if (done % Warmup.BLOCK == 0) {
                long jit = jitMillis();
                long cpu = processCpuNanos();
                blockJit[(done / Warmup.BLOCK) % Warmup.QUIET_BLOCKS] = jit - jitMark;
                if (Boolean.getBoolean("bench.propagation.traceWarmup")) {
                    System.out.printf("%s: warm-up pushes %d-%d: JIT %.1f ms, CPU %.1f ms per push%n", label,
                            done - Warmup.BLOCK + 1, done, (double) (jit - jitMark) / Warmup.BLOCK,
                            (cpu - cpuMark) / 1e6 / Warmup.BLOCK);
                }
                jitMark = jit;
                cpuMark = cpu;
            }
            if (warmup.enough(done, blockJit)) {
                break;
            }
        }
        int n = seen.size();
        long[] last = new long[pushes];
        long[] each = new long[pushes * n];
        long cpu0 = processCpuNanos();
        long windowCpu = 0; // CPU of this JVM within the timed windows only
        long[] startedAt = new long[pushes]; // JVM uptime (ms) at each recorded push, to match a GC log
        long[] call = new long[pushes]; // how long the push call itself took (the write, as its client saw it)
        long jit0 = jitMillis();
        Map<Long, long[]> threads0 = threadCpu();
        System.out.printf("%s: %d warm-up pushes%s; recorded pushes begin at %s%n", label, done,
                warmup.enough(done, blockJit) ? "" : " (JIT not quiet at the limit)", java.time.Instant.now());
        for (int p = 0; p < pushes; p++) {
            settle.await(previous);
            seen.forEach(Map::clear);
            long windowCpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            K key = push.run(++number);
            call[p] = System.nanoTime() - t0;
            previous = key;
            awaitAll(seen, key, t0, signal, what);
            windowCpu += processCpuNanos() - windowCpu0;
            long max = 0;
            for (int i = 0; i < n; i++) {
                long d = seen.get(i).get(key) - t0;
                each[p * n + i] = d;
                max = Math.max(max, d);
            }
            last[p] = max;
            startedAt[p] = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - max / 1_000_000;
        }
        long cpu = processCpuNanos() - cpu0;
        long jit = jitMillis() - jit0;
        printCpuByThreadGroup(what, threads0, threadCpu(), cpu, pushes);
        if (Boolean.getBoolean("bench.propagation.traceSlowest")) {
            java.util.stream.IntStream.range(0, pushes).boxed().sorted((a, b) -> Long.compare(last[b], last[a])).limit(5)
                    .forEach(i -> {
                        long[] sorted = java.util.Arrays.copyOfRange(each, i * n, (i + 1) * n);
                        java.util.Arrays.sort(sorted);
                        System.out.printf("%s: slow push #%d at JVM uptime %d ms: %.1f ms (the push call %.1f ms; "
                                        + "first instance %.1f ms, median %.1f ms)%n", label, i, startedAt[i], last[i] / 1e6,
                                call[i] / 1e6, sorted[0] / 1e6, sorted[n / 2] / 1e6);
                    });
        }
        System.out.printf("%s: CPU ms per push within the timing (from the push until the last instance saw it): %.2f%n",
                label, windowCpu / 1e6 / pushes);
        System.out.printf("%s: JIT compilation during the recorded pushes: %.2f ms per push "
                + "(elapsed time of the compiles, summed; not CPU: a compiler thread waits for the cores too)%n",
                label, (double) jit / pushes);
        return new Result(Stats.of(last), Stats.of(each), cpu / pushes, done);
    }

    /** Time the JIT compilers have spent so far, in ms (-1 if the JVM does not say). */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** CPU time of every live thread, by id: {cpu nanos}; names kept alongside for grouping. */
    private static final Map<Long, String> THREAD_NAMES = new ConcurrentHashMap<>();

    private static Map<Long, long[]> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, long[]> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    out.put(info.getThreadId(), new long[] {t});
                    THREAD_NAMES.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        return out;
    }

    /**
     * Where the CPU of the recorded pushes went, by thread group (names with digits and ids folded):
     * printed to stdout for diagnosis, not part of the report. Threads that ended meanwhile and the
     * JVM's own (GC, JIT) are the remainder.
     */
    private static void printCpuByThreadGroup(String what, Map<Long, long[]> before, Map<Long, long[]> after,
                                              long processCpu, int pushes) {
        Map<String, Long> groups = new java.util.TreeMap<>();
        long threads = 0;
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] b = before.get(e.getKey());
            long d = e.getValue()[0] - (b == null ? 0 : b[0]);
            String name = THREAD_NAMES.getOrDefault(e.getKey(), "?").replaceAll("[0-9a-f]{8}|\\d+", "#");
            groups.merge(name, d, Long::sum);
            threads += d;
        }
        StringBuilder sb = new StringBuilder(what.replace(" revision", "").replace(" push", ""))
                .append(": CPU ms per push by thread group:");
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> sb.append(String.format(" %s=%.2f", e.getKey(), e.getValue() / 1e6 / pushes)));
        sb.append(String.format(" other(GC, JIT, ended threads)=%.2f", (processCpu - threads) / 1e6 / pushes));
        System.out.println(sb);
    }

    /**
     * Waits until every map holds {@code key} (each watcher or instance records when it saw a push),
     * woken by {@code signal}; fails after 30 s naming {@code what}.
     */
    static <K> void awaitAll(List<Map<K, Long>> seen, K key, long t0, Object signal, String what)
            throws InterruptedException {
        while (true) {
            int done = 0;
            for (Map<K, Long> m : seen) {
                if (m.containsKey(key)) {
                    done++;
                }
            }
            if (done == seen.size()) {
                return;
            }
            if (System.nanoTime() - t0 > PUSH_TIMEOUT_NANOS) {
                throw new IllegalStateException(what + ": only " + done + " of " + seen.size() + " saw " + key
                        + " within 30 s");
            }
            synchronized (signal) {
                signal.wait(5);
            }
        }
    }
}
