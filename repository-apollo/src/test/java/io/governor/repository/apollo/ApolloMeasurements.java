package io.governor.repository.apollo;

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
import io.governor.test.Ports;
import io.governor.test.apollo.ApolloServer;
import org.apache.curator.test.TestingServer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plain harness (not a test) measuring the Apollo repository on a real Apollo server, for
 * {@code docs/performance.md}, section "Apollo on a real server":
 * <ol>
 *   <li><b>publish → every watcher notified</b>: one writer repository puts a new value, W watcher
 *   repositories (in this JVM, so on the one Apollo client's long poll) each watch the key; the
 *   latency is from the call of {@code put} to the last watcher's event, per round, one round at a
 *   time. The time {@code put} itself takes (edit + release through the portal) is printed too.</li>
 *   <li><b>admin compare-and-set throughput</b>: one {@link GovernanceAdmin} calls
 *   {@code updateRules} (read, compare-and-set as one commit = one release) back to back; calls per
 *   second and the latency per call.</li>
 * </ol>
 * Arguments: {@code [rounds=60] [watchers=10] [adminCalls=30] [scanIntervalMillis=1000]} (the
 * config service's {@code apollo.message-scan.interval}; Apollo's default is 1000). Starts the server like the tests
 * ({@link ApolloServer}: {@code -Dgovernor.apollo.server.jar}, or a running one with
 * {@code -Dgovernor.apollo.portal} and {@code -Dgovernor.apollo.config-service}). Needs
 * {@code -Dapp.id=governor-test -Dapollo.cache-dir=<dir>}; the command is in docs/performance.md.
 */
public final class ApolloMeasurements {

    private ApolloMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int watchers = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int adminCalls = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int scanMillis = args.length > 3 ? Integer.parseInt(args[3]) : ApolloServer.DEFAULT_SCAN_INTERVAL_MILLIS;
        System.out.printf("Apollo 2.4.0 all-in-one, config service scan every %d ms%n", scanMillis);
        ApolloTesting.throughProxy = false;
        try (ApolloServer apollo = ApolloServer.launch(scanMillis)) {
            publishToEveryWatcher(apollo, rounds, watchers);
            adminCompareAndSet(apollo, adminCalls);
        }
        System.exit(0); // the Apollo client's threads are not daemons
    }

    private static void publishToEveryWatcher(ApolloServer apollo, int rounds, int watcherCount) throws Exception {
        String ns = ApolloTesting.namespace();
        List<Repository> repos = new ArrayList<>();
        try {
            Repository writer = ApolloTesting.open(apollo, ns);
            repos.add(writer);
            writer.put("/bench/key", "warm-up");
            CountDownLatch[] latch = new CountDownLatch[1];
            String[] expected = new String[1];
            long[] last = new long[1];
            for (int w = 0; w < watcherCount; w++) {
                Repository watcher = new ApolloRepositoryProvider().create(ApolloTesting.readOnly(apollo, ns).build());
                repos.add(watcher);
                watcher.watch("/bench/key", e -> {
                    if (e.type() != ChangeEvent.Type.DELETED && e.value().equals(expected[0])) {
                        synchronized (last) {
                            last[0] = Math.max(last[0], System.nanoTime());
                        }
                        latch[0].countDown();
                    }
                });
            }
            List<Double> notified = new ArrayList<>();
            List<Double> putTimes = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                expected[0] = "v" + i;
                latch[0] = new CountDownLatch(watcherCount);
                long start = System.nanoTime();
                writer.put("/bench/key", expected[0]);
                putTimes.add(ms(System.nanoTime() - start));
                if (!latch[0].await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("round " + i + ": not every watcher notified in 30 s");
                }
                synchronized (last) {
                    notified.add(ms(last[0] - start));
                }
            }
            System.out.printf("publish -> every watcher notified: %d rounds, %d watchers in one JVM: %s ms%n",
                    rounds, watcherCount, stats(notified));
            System.out.printf("put (edit + release, returns before the client shows it): %s ms%n", stats(putTimes));
        } finally {
            repos.forEach(Repository::close);
        }
    }

    private static void adminCompareAndSet(ApolloServer apollo, int calls) throws Exception {
        try (TestingServer zookeeper = new TestingServer(Ports.reserve(1)[0], true)) {
            String ns = ApolloTesting.namespace();
            DatabaseConfig orders = DatabaseConfig.empty()
                    .withDataSource("primary", h2(ns + "-primary"))
                    .withDataSource("replica_0", h2(ns + "-replica0"))
                    .withRules(rules(0));
            GovernanceConfig config = GovernanceConfig.builder(ns)
                    .registryCenter(RepositoryConfig.builder("zookeeper").serverLists(zookeeper.getConnectString()).build())
                    .configCenter(ApolloTesting.config(apollo, "").build())
                    .database("orders", orders).build();
            try (GovernanceAdmin admin = GovernanceAdmin.connect(config)) {
                admin.replaceDatabase("orders", orders);
                List<Double> perCall = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 1; i <= calls; i++) {
                    int push = i;
                    long t = System.nanoTime();
                    admin.updateRules("orders", current -> rules(push));
                    perCall.add(ms(System.nanoTime() - t));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("admin updateRules (compare-and-set, one release each): %d calls in %.1f s = %.2f/s; "
                        + "per call %s ms%n", calls, seconds, calls / seconds, stats(perCall));
            }
        }
    }

    private static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "")
                .with("maximumPoolSize", "2").with("minimumIdle", "0");
    }

    private static List<RuleConfig> rules(int i) {
        return List.of(new ReadwriteSplittingRule("primary", List.of("replica_0"), LoadBalancerType.WEIGHT,
                Map.of("replica_0", 1 + i)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String stats(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("p50 %.0f, p99 %.0f, min %.0f, max %.0f (n=%d)", percentile(sorted, 50),
                percentile(sorted, 99), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
