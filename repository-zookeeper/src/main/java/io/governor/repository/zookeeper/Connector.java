package io.governor.repository.zookeeper;

import io.governor.api.repository.support.DaemonThreads;
import io.governor.api.repository.support.Hosts;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.DefaultZookeeperFactory;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Builds, starts and checks the Curator client of a repository: servers, namespace as chroot,
 * timeouts, retries, digest authentication and the ACL of every created node: with a {@code digest}
 * {@code digest:user:<hash>} with all permissions and nothing for anyone else, without one open.
 */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private Connector() {
    }

    /**
     * Connects within the connection timeout and checks that this identity may use the namespace; on
     * failure closes the client and throws as {@link Errors#connectFailed}. {@code stateListener} is
     * registered before the start, so it sees the first CONNECTED.
     */
    static CuratorFramework connect(ZooKeeperSettings s, Errors errors, ConnectionStateListener stateListener) {
        requireResolvableHost(s);
        DaemonThreads threads = new DaemonThreads(s.label(), Duration.ZERO);
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(s.servers())
                .sessionTimeoutMs((int) s.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) s.connectionTimeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) s.retryBaseSleep().toMillis(), s.retryMaxAttempts(),
                        (int) s.retryMaxSleep().toMillis()))
                .threadFactory(threads.factory("curator-", true))
                .zookeeperFactory((connect, timeout, watcher, readOnly) -> onThread(threads.factory("zookeeper", false),
                        () -> new DefaultZookeeperFactory().newZooKeeper(connect, timeout, watcher, readOnly)))
                .ensembleTracker(false) // keep the configured servers (proxies, load balancers) as they are
                .dontUseContainerParents()
                .aclProvider(aclProvider(s))
                .namespace(s.namespace().isEmpty() ? null : s.namespace());
        if (s.hasDigest()) {
            b.authorization("digest", s.digest());
        }
        CuratorFramework client = b.build();
        client.getConnectionStateListenable().addListener(stateListener);
        try {
            client.start();
            if (!client.blockUntilConnected((int) s.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw errors.connectTimedOut();
            }
            checkAccess(client, s);
            return client;
        } catch (Exception e) {
            client.close();
            throw errors.connectFailed(e);
        }
    }

    /**
     * Resolves the servers' hosts first ({@link Hosts}: {@code CONNECT_FAILED} when none resolves): the
     * ZooKeeper client would log a stack trace for every attempt on a name that does not resolve.
     */
    static void requireResolvableHost(ZooKeeperSettings s) {
        List<String> hosts = Arrays.stream(s.servers().split(",")).map(e -> Hosts.host(e.trim())).toList();
        List<String> unresolved = Hosts.requireResolvable(hosts, "connect to ZooKeeper servers '" + s.servers()
                + "' (namespace '" + s.label() + "') failed");
        if (!unresolved.isEmpty()) {
            LOG.warn("[{}] cannot resolve ZooKeeper host(s) {}; connecting to the others of '{}'", s.label(), unresolved,
                    s.servers());
        }
    }

    /**
     * Creates the namespace node if missing, then reads its ACL (which needs READ or ADMIN): ZooKeeper
     * accepts any digest at login, so this is where wrong or missing credentials show.
     */
    private static void checkAccess(CuratorFramework client, ZooKeeperSettings s) throws Exception {
        if (!s.namespace().isEmpty()) {
            try {
                client.usingNamespace(null).create().withMode(CreateMode.PERSISTENT).forPath("/" + s.namespace(), null);
            } catch (KeeperException.NodeExistsException exists) {
                // the usual case
            }
        }
        client.getACL().forPath("/"); // NoAuth here means these credentials are shut out
    }

    private static ACLProvider aclProvider(ZooKeeperSettings s) {
        // a mutable-type list: ZooKeeper calls contains(null) on it, which List.of() refuses
        List<ACL> acl = Collections.unmodifiableList(new ArrayList<>(s.hasDigest()
                ? List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digestId(s.digest()))))
                : ZooDefs.Ids.OPEN_ACL_UNSAFE));
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }

    /** {@code user:base64(sha1(user:password))}, ZooKeeper's digest id. */
    static String digestId(byte[] userColonPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(new String(userColonPassword, StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("ZooKeeper's digest algorithm is not available", e);
        }
    }

    /**
     * Creates the ZooKeeper handle on a thread of {@code threads}: the handle names its own send and
     * event threads after the thread that creates it.
     */
    private static ZooKeeper onThread(ThreadFactory threads, Callable<ZooKeeper> make) throws Exception {
        FutureTask<ZooKeeper> task = new FutureTask<>(make);
        threads.newThread(task).start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }
}
