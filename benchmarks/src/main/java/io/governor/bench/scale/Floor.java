package io.governor.bench.scale;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.RawCenter;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw floor: the same nodes read with the bare client, the cheapest way that client allows
 * (ZooKeeper: getChildren, then every getData pipelined on the one connection; etcd: one range get).
 * Each read returns the number of value bytes seen so the work cannot be skipped. Not thread-safe.
 */
abstract class Floor implements AutoCloseable {

    /** Lists {@code parent}'s children and reads every child's value on an open client. */
    abstract long readChildren(String parent) throws Exception;

    /** Connects a fresh client, reads every node of database {@code db} and the props, closes. */
    abstract long coldRead(String db) throws Exception;

    static Floor of(String backend, String servers, String namespace) {
        return switch (backend) {
            case "zookeeper" -> new ZooKeeperFloor(servers, namespace);
            case "etcd" -> new EtcdFloor(servers, namespace);
            default -> new SpiFloor(backend, servers, namespace);
        };
    }

    @Override
    public abstract void close();

    /** Curator for connecting, the plain ZooKeeper handle for pipelined async reads. */
    static final class ZooKeeperFloor extends Floor {
        private final String servers;
        private final String root;
        private final CuratorFramework client;

        ZooKeeperFloor(String servers, String namespace) {
            this.servers = servers;
            this.root = "/" + namespace;
            this.client = connect(servers);
        }

        private static CuratorFramework connect(String servers) {
            CuratorFramework c = CuratorFrameworkFactory.newClient(servers, 10_000, 10_000, new RetryOneTime(100));
            c.start();
            try {
                if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("bare Curator client did not connect to " + servers);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return c;
        }

        @Override
        long readChildren(String parent) throws Exception {
            return read(client.getZookeeperClient().getZooKeeper(), root + parent);
        }

        private static long read(ZooKeeper zk, String path) throws Exception {
            List<String> names = zk.getChildren(path, false);
            CountDownLatch done = new CountDownLatch(names.size());
            AtomicLong bytes = new AtomicLong();
            for (String n : names) {
                zk.getData(path + "/" + n, false, (rc, p, ctx, data, stat) -> {
                    if (data != null) {
                        bytes.addAndGet(data.length);
                    }
                    done.countDown();
                }, null);
            }
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw ZooKeeper reads did not finish under " + path);
            }
            return bytes.get();
        }

        @Override
        long coldRead(String db) throws Exception {
            try (CuratorFramework c = connect(servers)) {
                ZooKeeper zk = c.getZookeeperClient().getZooKeeper();
                long n = read(zk, root + RawCenter.dataSources(db));
                n += zk.getData(root + RawCenter.rules(db), false, null).length;
                byte[] props = c.checkExists().forPath(root + RawCenter.PROPS) == null ? new byte[0]
                        : zk.getData(root + RawCenter.PROPS, false, null);
                return n + props.length;
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** jetcd: one range get per subtree. */
    static final class EtcdFloor extends Floor {
        private final String endpoints;
        private final String prefix;
        private final Client client;

        EtcdFloor(String endpoints, String namespace) {
            this.endpoints = endpoints;
            this.prefix = "/" + namespace;
            this.client = Client.builder().endpoints(endpoints.split(",")).build();
        }

        @Override
        long readChildren(String parent) throws Exception {
            return range(client, prefix + parent + "/");
        }

        private static long range(Client c, String start) throws Exception {
            ByteSequence from = ByteSequence.from(start, StandardCharsets.UTF_8);
            GetOption opt = GetOption.builder().isPrefix(true).build();
            long bytes = 0;
            for (KeyValue kv : c.getKVClient().get(from, opt).get(60, TimeUnit.SECONDS).getKvs()) {
                bytes += kv.getValue().size();
            }
            return bytes;
        }

        @Override
        long coldRead(String db) throws Exception {
            try (Client c = Client.builder().endpoints(endpoints.split(",")).build()) {
                return range(c, prefix + RawCenter.database(db) + "/") + range(c, prefix + RawCenter.PROPS);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A backend without a bare client (memory): the repository SPI itself, one get per node. */
    static final class SpiFloor extends Floor {
        private final RepositoryConfig config;
        private final Repository repo;

        SpiFloor(String backend, String servers, String namespace) {
            this.config = RepositoryConfig.builder(backend).serverLists(servers).namespace(namespace).build();
            this.repo = RawCenter.connectConfigCenter(config, "floor", Duration.ofSeconds(10));
        }

        @Override
        long readChildren(String parent) {
            return read(repo, parent);
        }

        private static long read(Repository r, String parent) {
            long bytes = 0;
            for (String n : r.children(parent)) {
                bytes += r.get(parent + "/" + n).map(v -> v.value().length()).orElse(0);
            }
            return bytes;
        }

        @Override
        long coldRead(String db) {
            try (Repository r = RawCenter.connectConfigCenter(config, "floor", Duration.ofSeconds(10))) {
                return read(r, RawCenter.dataSources(db)) + r.get(RawCenter.rules(db)).map(v -> v.value().length()).orElse(0)
                        + r.get(RawCenter.PROPS).map(v -> v.value().length()).orElse(0);
            }
        }

        @Override
        public void close() {
            repo.close();
        }
    }
}
