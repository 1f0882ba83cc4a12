package io.governor.repository.nacos;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.GovernanceAdmin;
import io.governor.test.Concurrently;
import io.governor.test.Ports;
import io.governor.test.nacos.NacosServer;
import org.apache.curator.test.TestingServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the Nacos repository on a real Nacos server (not a test; run by hand, see
 * docs/performance.md "Nacos and Apollo on real servers"):
 *
 * <ol>
 *   <li><b>publish → every watcher notified</b>: {@code bench.watchers} repositories (default 10), each
 *       with a watch on {@code /bench}; one writer puts {@code /bench/k} {@code bench.publishes} times
 *       (default 200, after 20 unrecorded), one at a time; the latency of a pair (publish, watcher) runs
 *       from the start of the {@code put} call to the watcher's event;</li>
 *   <li><b>compare-and-set throughput</b>: {@code GovernanceAdmin.updateRules} (read, change, write
 *       with compare-and-set) from one admin, then from two admins with two threads each, every
 *       update appending one weight, and a check that none was lost or doubled; and the repository's
 *       own get + compareAndSet increments from 8 threads on two clients.</li>
 * </ol>
 *
 * <p>Starts a server from the jar ({@link NacosServer}) unless {@code -Dgovernor.nacos.address} names
 * one. Command: see docs/performance.md.
 */
public final class NacosBench {

    /** The benchmark's concurrent runs wait as long as they take. */
    private static final Duration NO_LIMIT = Duration.ofDays(1);

    private NacosBench() {
    }

    public static void main(String[] args) throws Exception {
        int watchers = Integer.getInteger("bench.watchers", 10);
        int publishes = Integer.getInteger("bench.publishes", 200);
        int updates = Integer.getInteger("bench.updates", 100);
        try (NacosServer nacos = NacosServer.dedicated().start(); TestingServer zk = new TestingServer(Ports.reserve(1)[0], true)) {
            System.out.printf("Nacos at %s (%s), limitTime=%s, %d cores%n", nacos.address(),
                    nacos.launched() ? "started from the jar" : "external", System.getProperty("limitTime", "5 (default)"),
                    Runtime.getRuntime().availableProcessors());
            propagation(nacos.address(), watchers, publishes);
            adminThroughput(nacos.address(), zk.getConnectString(), updates);
            repositoryCasThroughput(nacos.address(), updates * 4);
        }
        System.exit(0);
    }

    private static void propagation(String address, int watchers, int publishes) throws Exception {
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<Repository> clients = new ArrayList<>();
        try (Repository writer = open(address, ns)) {
            writer.put("/bench/k", "start");
            List<Map<String, Long>> seen = new ArrayList<>();
            for (int w = 0; w < watchers; w++) {
                Repository r = open(address, ns);
                clients.add(r);
                Map<String, Long> arrivals = new ConcurrentHashMap<>();
                seen.add(arrivals);
                r.watch("/bench", (ChangeEvent e) -> arrivals.putIfAbsent(e.value() == null ? "" : e.value(), System.nanoTime()));
            }
            int warm = 20;
            long[] latencies = new long[publishes * watchers];
            long[] putMillis = new long[publishes];
            int n = 0;
            for (int i = 0; i < warm + publishes; i++) {
                String value = "v" + i;
                long start = System.nanoTime();
                writer.put("/bench/k", value);
                long putDone = System.nanoTime();
                long deadline = putDone + TimeUnit.SECONDS.toNanos(30);
                for (Map<String, Long> arrivals : seen) {
                    while (!arrivals.containsKey(value)) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("a watcher missed " + value + " for 30 s");
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }
                if (i >= warm) {
                    putMillis[i - warm] = TimeUnit.NANOSECONDS.toMillis(putDone - start);
                    for (Map<String, Long> arrivals : seen) {
                        latencies[n++] = arrivals.get(value) - start;
                    }
                }
            }
            Arrays.sort(latencies);
            Arrays.sort(putMillis);
            System.out.printf("publish -> every watcher notified: %d watchers x %d publishes: p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " the put call itself: p50 %d ms, p99 %d ms%n", watchers, publishes, ms(latencies, 0.50),
                    ms(latencies, 0.99), latencies[latencies.length - 1] / 1e6, putMillis[putMillis.length / 2],
                    putMillis[(int) Math.ceil(putMillis.length * 0.99) - 1]);
            long[] deleteMillis = new long[50];
            for (int i = 0; i < deleteMillis.length; i++) {
                writer.put("/gone/k" + i, "v");
                long start = System.nanoTime();
                writer.delete("/gone/k" + i);
                deleteMillis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            Arrays.sort(deleteMillis);
            System.out.printf("delete of one key (returns once the server serves the removal): p50 %d ms, p99 %d ms%n",
                    deleteMillis[deleteMillis.length / 2], deleteMillis[deleteMillis.length - 1]);
        } finally {
            clients.forEach(Repository::close);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.ceil(sorted.length * q) - 1] / 1e6;
    }

    private static void adminThroughput(String address, String zookeeper, int updates) throws Exception {
        String ns = "bench-admin-" + UUID.randomUUID().toString().substring(0, 8);
        GovernanceConfig cfg = GovernanceConfig.builder(ns)
                .registryCenter(RepositoryConfig.builder("zookeeper").serverLists(zookeeper).build())
                .configCenter(RepositoryConfig.builder("nacos").serverLists(address).build())
                .database("orders", DatabaseConfig.empty()
                        .withDataSource("primary", DataSourceConfig.of("jdbc:h2:mem:p", "sa", ""))
                        .withDataSource("replica_0", DataSourceConfig.of("jdbc:h2:mem:r", "sa", ""))
                        .withRules(List.of(rule(Map.of("replica_0", 1)))))
                .build();
        try (GovernanceAdmin seed = GovernanceAdmin.connect(cfg)) {
            seed.replaceDatabase("orders", cfg.databases().get("orders"));
            long start = System.nanoTime();
            for (int i = 0; i < updates; i++) {
                seed.updateRules("orders", rules -> List.of(bump(rules.get(0))));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("admin updateRules, 1 admin, 1 thread: %d updates in %.1f s = %.1f updates/s%n", updates,
                    seconds, updates / seconds);
        }
        try (GovernanceAdmin a = GovernanceAdmin.connect(cfg); GovernanceAdmin b = GovernanceAdmin.connect(cfg)) {
            int before = weight(a);
            long start = System.nanoTime();
            Concurrently.run(4, NO_LIMIT, thread -> {
                GovernanceAdmin admin = thread % 2 == 0 ? a : b;
                for (int i = 0; i < updates / 4; i++) {
                    admin.updateRules("orders", rules -> List.of(bump(rules.get(0))));
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            int after = weight(a);
            System.out.printf("admin updateRules, 2 admins x 2 threads: %d updates in %.1f s = %.1f updates/s;"
                            + " applied %d of %d (lost or doubled: %d)%n", updates / 4 * 4, seconds, updates / 4 * 4 / seconds,
                    after - before, updates / 4 * 4, updates / 4 * 4 - (after - before));
        }
    }

    private static int weight(GovernanceAdmin admin) {
        return ((ReadwriteSplittingRule) admin.database("orders").rules().get(0)).weights().get("replica_0");
    }

    private static RuleConfig bump(RuleConfig rule) {
        ReadwriteSplittingRule r = (ReadwriteSplittingRule) rule;
        return rule(Map.of("replica_0", r.weights().get("replica_0") + 1));
    }

    private static RuleConfig rule(Map<String, Integer> weights) {
        return new ReadwriteSplittingRule("primary", List.of("replica_0"), LoadBalancerType.WEIGHT, weights);
    }

    private static void repositoryCasThroughput(String address, int increments) throws Exception {
        String ns = "bench-cas-" + UUID.randomUUID().toString().substring(0, 8);
        try (Repository first = open(address, ns); Repository second = open(address, ns)) {
            first.put("/counter", "0");
            long start = System.nanoTime();
            Concurrently.run(8, NO_LIMIT, thread -> {
                Repository r = thread % 2 == 0 ? first : second;
                for (int i = 0; i < increments / 8; i++) {
                    Concurrently.incrementByCas(r, "/counter");
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("repository get + compareAndSet, 8 threads on 2 clients, one key: %d increments in %.1f s ="
                    + " %.1f/s; counter %s%n", increments / 8 * 8, seconds, increments / 8 * 8 / seconds,
                    first.get("/counter").orElseThrow().value());
        }
    }

    private static Repository open(String address, String namespace) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists(address).build());
    }
}
