package io.governor.bench.support;

import io.governor.test.Ports;
import io.governor.test.etcd.EtcdCluster;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The real servers a run measures against, on loopback as the tests run them: an in-process
 * ZooKeeper ({@link TestingServer}, tickTime 500 ms so session timeouts from 1 s are allowed) and one
 * etcd member from the {@code etcd} binary. Each starts on first use and stops at {@link #close()}.
 * Not thread-safe; used from the run's main thread.
 */
public final class Servers implements AutoCloseable {

    /** ZooKeeper's tick: sessions may be 2..20 ticks long. */
    public static final int ZK_TICK_MILLIS = 500;

    private TestingServer zookeeper;
    private EtcdCluster etcd;

    /** The ZooKeeper connect string, starting the server on first call. */
    public String zookeeper() {
        if (zookeeper == null) {
            try {
                Map<String, Object> props = new HashMap<>();
                props.put("maxClientCnxns", "0"); // many clients from one address
                InstanceSpec spec = new InstanceSpec(null, Ports.reserve(1)[0], -1, -1, true, -1, ZK_TICK_MILLIS, 0, props, "127.0.0.1");
                zookeeper = new TestingServer(spec, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded ZooKeeper", e);
            }
        }
        return zookeeper.getConnectString();
    }

    /** The etcd client endpoint ({@code http://127.0.0.1:port}), starting the member on first call. */
    public String etcd() {
        if (etcd == null) {
            etcd = EtcdCluster.members(1).start();
        }
        return etcd.endpoints();
    }

    /** The running etcd cluster (after {@link #etcd()}), for kill/restart. */
    public EtcdCluster etcdCluster() {
        etcd();
        return etcd;
    }

    @Override
    public void close() {
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
        if (zookeeper != null) {
            try {
                zookeeper.close();
            } catch (IOException e) {
                System.err.println("stopping ZooKeeper: " + e);
            }
            zookeeper = null;
        }
    }
}
