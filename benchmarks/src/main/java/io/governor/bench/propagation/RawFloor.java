package io.governor.bench.propagation;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Curators;
import io.governor.core.memory.MemoryRepositoryProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The raw floor of change propagation: N watchers, each on its own bare client connection, seeing
 * a plain write (by a separate client) of a value of about the size of a rules document. Each
 * value carries its push number; a watcher records the nanoTime at which it first sees it.
 * Not thread-safe; run from the benchmark's main thread.
 */
final class RawFloor {

    /** About the size of the rules document Governor writes per push. */
    static final int VALUE_BYTES = 160;

    private RawFloor() {
    }

    /** A bare backend: N watchers and one writer. */
    private interface Floor extends AutoCloseable {
        /** Starts watcher {@code i}; it calls {@code seen} with every value it observes. */
        void watcher(int i, Consumer<String> seen) throws Exception;

        void write(String value) throws Exception;

        @Override
        void close();
    }

    static Propagation.Result measure(BenchContext ctx, String backend, int n, int pushes, Propagation.Warmup warmup) throws Exception {
        return measure(ctx, backend, n, pushes, warmup, 0);
    }

    /** As above, with a pause of {@code pauseMillis} before every write (outside its timing). */
    static Propagation.Result measure(BenchContext ctx, String backend, int n, int pushes, Propagation.Warmup warmup,
                                      long pauseMillis) throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<Map<Integer, Long>> seen = new ArrayList<>();
        Object signal = new Object();
        try (Floor floor = open(ctx, backend, tag)) {
            for (int i = 0; i < n; i++) {
                Map<Integer, Long> mine = new ConcurrentHashMap<>();
                seen.add(mine);
                floor.watcher(i, v -> {
                    long now = System.nanoTime();
                    mine.putIfAbsent(push(v), now);
                    synchronized (signal) {
                        signal.notifyAll();
                    }
                });
            }
            prime(floor, seen, signal, backend, n);
            return Propagation.pushes(warmup, pushes, seen, signal, "raw " + backend + " N=" + n + " push", push -> {
                floor.write(value(push));
                return push;
            }, previous -> {
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            });
        }
    }

    /** Watches register asynchronously: writes until every watcher has seen one value. */
    private static void prime(Floor floor, List<Map<Integer, Long>> seen, Object signal, String backend, int n)
            throws Exception {
        for (int attempt = 1; attempt <= 30; attempt++) {
            int push = -attempt;
            floor.write(value(push));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                if (seen.stream().allMatch(m -> m.containsKey(push))) {
                    return;
                }
                synchronized (signal) {
                    signal.wait(5);
                }
            }
        }
        throw new IllegalStateException("raw " + backend + " N=" + n + ": watchers did not start within 30 s");
    }

    private static String value(int push) {
        StringBuilder sb = new StringBuilder("push: ").append(push).append('\n').append("pad: ");
        while (sb.length() < VALUE_BYTES) {
            sb.append('x');
        }
        return sb.toString();
    }

    private static int push(String value) {
        int nl = value.indexOf('\n');
        return Integer.parseInt(value.substring("push: ".length(), nl));
    }

    private static Floor open(BenchContext ctx, String backend, String tag) {
        return switch (backend) {
            case "memory" -> new MemoryFloor("raw-" + tag);
            case "zookeeper" -> new ZooKeeperFloor(ctx.servers().zookeeper(), "/raw-" + tag + "/value");
            case "etcd" -> new EtcdFloor(ctx.servers().etcd(), "/raw-" + tag + "/value");
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
    }

    /** N memory-repository clients of one store, each watching the key. */
    private static final class MemoryFloor implements Floor {
        private final String store;
        private final List<Repository> clients = new ArrayList<>();
        private final Repository writer;

        MemoryFloor(String store) {
            this.store = store;
            this.writer = client();
            writer.put("/value", value(0));
        }

        private Repository client() {
            return new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory").namespace("raw").serverLists(store).build());
        }

        @Override
        public void watcher(int i, Consumer<String> seen) {
            Repository r = client();
            clients.add(r);
            r.watch("/value", e -> {
                if (e.type() != ChangeEvent.Type.DELETED) {
                    seen.accept(e.value());
                }
            });
        }

        @Override
        public void write(String value) {
            writer.put("/value", value);
        }

        @Override
        public void close() {
            clients.forEach(Repository::close);
            writer.close();
        }
    }

    /** N CuratorFrameworks, each with a CuratorCache of the node. */
    private static final class ZooKeeperFloor implements Floor {
        private final String connect;
        private final String path;
        private final List<CuratorFramework> clients = new ArrayList<>();
        private final List<CuratorCache> caches = new ArrayList<>();
        private final CuratorFramework writer;

        ZooKeeperFloor(String connect, String path) {
            this.connect = connect;
            this.path = path;
            this.writer = client();
            try {
                writer.create().creatingParentsIfNeeded().forPath(path, value(0).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private CuratorFramework client() {
            CuratorFramework c = Curators.connected(connect, Duration.ofSeconds(10), Duration.ofSeconds(5),
                    new ExponentialBackoffRetry(100, 3), Duration.ofSeconds(10));
            clients.add(c);
            return c;
        }

        @Override
        public void watcher(int i, Consumer<String> seen) throws Exception {
            CuratorFramework c = client();
            CuratorCache cache = CuratorCache.build(c, path);
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forCreatesAndChanges((before, after) -> seen.accept(new String(after.getData(), StandardCharsets.UTF_8)))
                    .build());
            cache.start();
            caches.add(cache);
        }

        @Override
        public void write(String value) throws Exception {
            writer.setData().forPath(path, value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            caches.forEach(CuratorCache::close);
            clients.forEach(CuratorFramework::close);
        }
    }

    /** N jetcd Clients, each watching the key. */
    private static final class EtcdFloor implements Floor {
        private final String endpoints;
        private final ByteSequence key;
        private final List<Client> clients = new ArrayList<>();
        private final List<Watch.Watcher> watchers = new ArrayList<>();
        private final Client writer;

        EtcdFloor(String endpoints, String key) {
            this.endpoints = endpoints;
            this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
            this.writer = client();
        }

        private Client client() {
            Client c = Client.builder().endpoints(endpoints.split(",")).build();
            clients.add(c);
            return c;
        }

        @Override
        public void watcher(int i, Consumer<String> seen) throws Exception {
            Client c = client();
            // One round trip first, so the connection is up before the first measured push.
            c.getKVClient().get(key).get(10, TimeUnit.SECONDS);
            watchers.add(c.getWatchClient().watch(key, response -> {
                for (WatchEvent e : response.getEvents()) {
                    if (e.getEventType() == WatchEvent.EventType.PUT) {
                        seen.accept(e.getKeyValue().getValue().toString(StandardCharsets.UTF_8));
                    }
                }
            }));
        }

        @Override
        public void write(String value) throws Exception {
            writer.getKVClient().put(key, ByteSequence.from(value, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            watchers.forEach(Watch.Watcher::close);
            clients.forEach(Client::close);
        }
    }
}
