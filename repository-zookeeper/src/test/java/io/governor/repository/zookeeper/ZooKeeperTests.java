package io.governor.repository.zookeeper;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Ports;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared test setup: servers, configs, session expiry. */
final class ZooKeeperTests {

    /** Server tick: sessions can be as short as one tick and as long as maxSessionTimeout. */
    static final int TICK_MS = 200;

    private ZooKeeperTests() {
    }

    /** A config with test-sized timeouts. */
    static RepositoryConfig.Builder config(String servers, String namespace, Duration sessionTimeout) {
        return RepositoryConfig.builder("zookeeper").serverLists(servers).namespace(namespace)
                .property(ZooKeeperSettings.SESSION_TIMEOUT, sessionTimeout)
                .property(ZooKeeperSettings.CONNECTION_TIMEOUT, min(Duration.ofSeconds(3), sessionTimeout))
                .property(ZooKeeperSettings.RETRY_BASE_SLEEP, Duration.ofMillis(100))
                .property(ZooKeeperSettings.RETRY_MAX_SLEEP, Duration.ofSeconds(1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static RegistryRepository open(RepositoryConfig config) {
        return new ZooKeeperRepositoryProvider().create(config);
    }

    /**
     * A cluster of {@code n} in-process servers with a short tick and sessions of up to 30s. Its
     * ports come from {@link Ports}, outside the ephemeral range: a killed server restarts on the
     * same ports, and a port taken meanwhile by an outgoing connection would fail the bind, which
     * makes the embedded server exit the JVM.
     */
    static TestingCluster cluster(int n) {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int[] ports = Ports.reserve(3);
            specs.add(new InstanceSpec(null, ports[0], ports[1], ports[2], true, i, TICK_MS, -1,
                    Map.of("maxSessionTimeout", "30000")));
        }
        return new TestingCluster(specs);
    }

    /**
     * Reads a key linearizably: a {@code sync} first makes the server the repository is connected
     * to catch up with the leader (a plain ZooKeeper read may lag it). A failure of the sync is
     * {@code UNAVAILABLE}.
     */
    static String syncedGet(Repository repository, String key) {
        try {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            ZooKeeper zk = ((ZooKeeperRepository) repository).client().getZookeeperClient().getZooKeeper();
            zk.sync("/", (rc, path, ctx) -> done.complete(rc), null);
            int rc = done.get(10, TimeUnit.SECONDS);
            if (rc != 0) {
                throw new GovernanceException(ErrorCode.UNAVAILABLE, "sync failed with code " + rc);
            }
        } catch (GovernanceException e) {
            throw e;
        } catch (Exception e) {
            throw new GovernanceException(ErrorCode.UNAVAILABLE, "sync failed: " + e, e);
        }
        return repository.get(key).map(VersionedValue::value).orElse(null);
    }

    /** The ZooKeeper handle a repository currently uses. */
    static ZooKeeper handle(RegistryRepository repository) throws Exception {
        return ((ZooKeeperRepository) repository).client().getZookeeperClient().getZooKeeper();
    }

    /**
     * Expires the repository's session on the server, as a real expiry would: a second handle joins
     * the session with its id and password and closes it. The server then drops the session's
     * ephemerals at once and the repository's next contact is answered "session expired".
     */
    static void expireSession(RegistryRepository repository, String servers) throws Exception {
        ZooKeeper zk = handle(repository);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(servers, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not join session 0x" + Long.toHexString(zk.getSessionId()));
            }
        } finally {
            killer.close();
        }
    }
}
