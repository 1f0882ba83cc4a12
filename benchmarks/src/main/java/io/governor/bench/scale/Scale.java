package io.governor.bench.scale;

import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Stats;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RawCenter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 8, item 5: one namespace with many data sources and many registered instances, on each
 * backend. Measures (1) cold start of one governed instance against a bare client reading the same
 * nodes, (2) {@link GovernanceAdmin#instances()} against a bare client listing and reading every
 * status node, (3) heap and threads held by one instance's governance state; each at growing sizes,
 * with the ratio between steps to show how it grows.
 *
 * <p>Status nodes are real ephemerals in core's layout and format, written through four repository
 * clients ({@link Fixture}). Data sources are tiny HikariCP pools on one in-memory H2 database.
 * {@code -Dbench.scale.dataSources=100,1000,5000} adds steps (5,000 pools is about 10,000 threads).
 */
public final class Scale {

    private static final int FIXTURE_CLIENTS = 4;
    /** HikariCP's idle connection-adder thread lives this long. */
    private static final long ADDER_KEEP_ALIVE_MILLIS = 5000;

    private Scale() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int[] instanceSteps = ctx.quick() ? new int[] {100, 1000} : new int[] {100, 1000, 5000};
        int[] dsSteps = steps(System.getProperty("bench.scale.dataSources", "100,1000"));
        StringBuilder table = new StringBuilder();
        table.append("| backend | measure | size | Governor p50 / p99 / max ms | raw floor p50 / p99 / max ms | Governor / floor (p50) | growth of Governor p50 vs previous size |\n");
        table.append("|---|---|---|---|---|---|---|\n");
        StringBuilder memory = new StringBuilder();
        memory.append("| backend | data sources | heap held (MiB) | per data source (KiB) | threads added at start | threads 6 s later | most common new threads at start |\n");
        memory.append("|---|---|---|---|---|---|---|\n");
        for (String backend : ctx.backends()) {
            String ns = "scale-" + backend + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
            RepositoryConfig repo = repositoryConfig(ctx, backend, ns);
            GovernanceConfig config = GovernanceConfig.builder(ns).registryCenter(repo).bootstrap(BootstrapMode.CENTER)
                    .database(Fixture.DB, DatabaseConfig.empty().withDataSource(Fixture.dataSourceName(0), Fixture.DATA_SOURCE))
                    .build();
            System.out.println("[scale] " + backend + ": namespace " + ns);
            try (Fixture fixture = new Fixture(repo, FIXTURE_CLIENTS);
                 Floor floor = Floor.of(backend, repo.serverLists(), ns);
                 GovernanceAdmin admin = GovernanceAdmin.connect(config)) {
                long prev = 0;
                for (int ds : dsSteps) {
                    fixture.dataSources(ds);
                    int reps = ctx.quick() ? (ds >= 1000 ? 1 : 2) : (ds >= 1000 ? 3 : 5);
                    long[][] r = coldStart(config, floor, ds, reps);
                    row(table, backend, "cold start (build() until ready)", ds + " data sources", r, prev);
                    prev = Stats.of(r[0]).p50Nanos();
                    memory(memory, backend, config, ds);
                }
                prev = 0;
                for (int n : instanceSteps) {
                    long t0 = System.nanoTime();
                    fixture.instances(n);
                    System.out.printf("[scale] %s: %d instances registered (%.1f s)%n", backend, n, (System.nanoTime() - t0) / 1e9);
                    int reps = ctx.quick() ? (n >= 1000 ? 3 : 5) : (n >= 5000 ? 9 : n >= 1000 ? 15 : 30);
                    long[][] r = listing(admin, floor, n, reps);
                    row(table, backend, "admin.instances()", n + " instances", r, prev);
                    prev = Stats.of(r[0]).p50Nanos();
                }
            }
        }
        String notes = """
                One namespace per backend on the loopback servers of the run; one database with N data sources
                (HikariCP, maximumPoolSize 1, minimumIdle 0, one shared in-memory H2 database) and N registered
                instances (ephemeral status nodes in core's layout and format, written by %d repository clients).

                * **cold start**: `Governance.builder(config).build()` returning (connected, configuration read,
                  every pool built and checked, instance registered, watches set), then `close()` (not timed).
                  Raw floor: a fresh bare client (Curator / jetcd) connects and reads the same nodes
                  (ZooKeeper: getChildren + pipelined async getData; etcd: one range get), then closes.
                * **admin.instances()**: an admin from `GovernanceAdmin.connect` lists every instance and parses its
                  status. Raw floor: the bare client lists the children and reads every status node the same way.
                  memory has no bare client: its floor is the repository SPI (children + one get per node).
                * growth: Governor's p50 at this size divided by its p50 at the previous size (10x or 5x more
                  nodes: a ratio near 10 or 5 is linear).
                """.formatted(FIXTURE_CLIENTS);
        String memNotes = """
                Heap held: heap used after `System.gc()` (repeated until stable) with one started instance minus
                the same before it started; threads: live threads with the instance minus before (right after
                start, and again 6 s later when HikariCP's idle connection-adder threads have ended), grouped by
                name with digits removed.
                """;
        ctx.report("scale", "### Scale: start-up and instance listing\n\n" + table + "\n" + notes
                + "\n### Scale: memory and threads of one instance\n\n" + memory + "\n" + memNotes);
    }

    private static int[] steps(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static RepositoryConfig repositoryConfig(BenchContext ctx, String backend, String ns) {
        RepositoryConfig.Builder b = RepositoryConfig.builder(backend).namespace(ns);
        switch (backend) {
            case "zookeeper" -> b.serverLists(ctx.servers().zookeeper()).property("sessionTimeout", "10s");
            // A shared, loaded machine can stall etcd's fsync for seconds: do not fail on the 5 s default.
            case "etcd" -> b.serverLists(ctx.servers().etcd()).property("requestTimeout", "30s");
            default -> b.serverLists("scale");
        }
        return b.build();
    }

    /** One timed run: returns the nanoseconds of the part that counts. */
    @FunctionalInterface
    private interface Timed {
        long nanos() throws Exception;
    }

    /** {governor samples, floor samples}: Governor then the floor, alternately, after {@code warmup} unrecorded rounds. */
    private static long[][] interleaved(int warmup, int reps, Timed governor, Timed floor) throws Exception {
        long[] gov = new long[reps];
        long[] raw = new long[reps];
        for (int i = -warmup; i < reps; i++) {
            long t = governor.nanos();
            long f = floor.nanos();
            if (i >= 0) {
                gov[i] = t;
                raw[i] = f;
            }
        }
        return new long[][] {gov, raw};
    }

    private static long elapsed(long t0) {
        return System.nanoTime() - t0;
    }

    private static long[][] coldStart(GovernanceConfig config, Floor floor, int ds, int reps) throws Exception {
        return interleaved(1, reps, () -> {
            long t0 = System.nanoTime();
            Governance g = Governance.builder(config).build();
            long t = elapsed(t0);
            try {
                int got = g.configuration(Fixture.DB).dataSources().size();
                if (got != ds) {
                    throw new IllegalStateException("instance started with " + got + " data sources, expected " + ds);
                }
            } finally {
                g.close();
            }
            return t;
        }, () -> {
            long t0 = System.nanoTime();
            floor.coldRead(Fixture.DB);
            return elapsed(t0);
        });
    }

    private static long[][] listing(GovernanceAdmin admin, Floor floor, int n, int reps) throws Exception {
        return interleaved(2, reps, () -> {
            long t0 = System.nanoTime();
            int got = admin.instances().size();
            long t = elapsed(t0);
            if (got != n) {
                throw new IllegalStateException("admin listed " + got + " instances, expected " + n);
            }
            return t;
        }, () -> {
            long t0 = System.nanoTime();
            floor.readChildren(RawCenter.STATUS_INSTANCES);
            return elapsed(t0);
        });
    }

    private static void row(StringBuilder table, String backend, String measure, String size, long[][] r, long prevP50) {
        Stats gov = Stats.of(r[0]);
        Stats raw = Stats.of(r[1]);
        String growth = prevP50 == 0 ? "—" : String.format("%.1fx", (double) gov.p50Nanos() / prevP50);
        String line = String.format("| %s | %s | %s | %s | %s | %.1f | %s |%n", backend, measure, size, gov.millis(),
                raw.millis(), (double) gov.p50Nanos() / Math.max(1, raw.p50Nanos()), growth);
        System.out.print("[scale] " + line);
        table.append(line);
    }

    private static void memory(StringBuilder out, String backend, GovernanceConfig config, int ds) throws Exception {
        long before = settledHeap();
        Map<String, Integer> threadsBefore = threadNames();
        Governance g = Governance.builder(config).build();
        try {
            long after = settledHeap();
            Map<String, Integer> threadsAfter = threadNames();
            int added = threadsAfter.values().stream().mapToInt(Integer::intValue).sum()
                    - threadsBefore.values().stream().mapToInt(Integer::intValue).sum();
            List<Map.Entry<String, Integer>> grown = new ArrayList<>();
            threadsAfter.forEach((name, count) -> {
                int d = count - threadsBefore.getOrDefault(name, 0);
                if (d > 0) {
                    grown.add(Map.entry(name, d));
                }
            });
            grown.sort((a, b) -> b.getValue() - a.getValue());
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(3, grown.size()); i++) {
                top.append(i == 0 ? "" : ", ").append('`').append(grown.get(i).getKey()).append("` ").append(grown.get(i).getValue());
            }
            Thread.sleep(ADDER_KEEP_ALIVE_MILLIS + 1000); // HikariCP's connection-adder threads time out when idle
            int settled = threadNames().values().stream().mapToInt(Integer::intValue).sum()
                    - threadsBefore.values().stream().mapToInt(Integer::intValue).sum();
            double mib = (after - before) / (1024.0 * 1024);
            String line = String.format("| %s | %d | %.1f | %.1f | %d | %d | %s |%n", backend, ds, mib, (after - before) / 1024.0 / ds,
                    added, settled, top);
            System.out.print("[scale] " + line);
            out.append(line);
        } finally {
            g.close();
        }
    }

    /** Heap used after GC, repeated until two readings agree within 1%% (at most 8 rounds). */
    private static long settledHeap() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(150);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < used / 100) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }

    private static Map<String, Integer> threadNames() {
        Map<String, Integer> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                m.merge(t.getName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
            }
        }
        return m;
    }
}
