package io.governor.repository.zookeeper;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.support.DaemonThreads;
import io.governor.api.repository.support.Hosts;
import io.governor.api.repository.support.StateListeners;
import io.governor.api.repository.support.WatchThread;
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
 * The Curator client of a repository and its connection. {@link #connect} builds and starts the
 * client: servers, namespace as chroot, timeouts, retries, digest authentication and the ACL of
 * every created node (with a {@code digest}: {@code digest:user:<hash>} with all permissions and
 * nothing for anyone else; without one: open).
 *
 * <p>Curator's connection states are mapped to Governor's and handled, in order, on the state thread
 * ({@code governor-<namespace>-state}). On {@code LOST} (session expired, or given up by Curator)
 * held lock leases are lost, then listeners hear it. On {@code RECONNECTED} a changed session id
 * that Curator did not report as LOST is handled as a LOST first; then the {@link Recovery} runs
 * (ephemerals, watches) and only then do listeners hear {@code RECONNECTED}. Every transition is
 * logged at INFO. Thread-safe.
 */
final class Connector implements ConnectionStateListener, ACLProvider {

    private static final Logger log = LoggerFactory.getLogger(Connector.class);
    private static final int RECOVERY_ATTEMPTS = 3;

    /** What the repository does on the state thread when the client is back ({@code newSession}: after a loss). */
    interface Recovery {
        void reconnected(boolean newSession) throws Exception;
    }

    final CuratorFramework client;
    /** The repository's listeners, told on the state thread itself: its tasks already run one at a time, in order. */
    final StateListeners listeners;
    private final ZooKeeperSettings settings;
    private final WatchThread thread;
    /** The ACL of every node created (a mutable-type list: ZooKeeper calls contains(null), which List.of() refuses). */
    private final List<ACL> acl;
    private volatile Runnable sessionLost = () -> { };
    private volatile Recovery recovery = newSession -> { };
    // state-thread only
    private long sessionId;
    private boolean lostSession;

    private Connector(ZooKeeperSettings s) {
        this.settings = s;
        this.thread = new WatchThread(s.label(), "state");
        this.listeners = new StateListeners(s.label(), Runnable::run);
        this.acl = Collections.unmodifiableList(new ArrayList<>(s.hasDigest()
                ? List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digestId(s.digest()))))
                : ZooDefs.Ids.OPEN_ACL_UNSAFE));
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
                .aclProvider(this)
                .namespace(s.namespace().isEmpty() ? null : s.namespace());
        if (s.hasDigest()) {
            b.authorization("digest", s.digest());
        }
        this.client = b.build();
        client.getConnectionStateListenable().addListener(this); // before the start: it sees the first CONNECTED
    }

    /**
     * Connects within the connection timeout and checks that this identity may use the namespace; on
     * failure closes the client and the state thread and throws as {@link Errors#connectFailed}.
     */
    static Connector connect(ZooKeeperSettings s, Errors errors) {
        requireResolvableHost(s);
        Connector c = new Connector(s);
        try {
            c.client.start();
            if (!c.client.blockUntilConnected((int) s.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw errors.connectTimedOut();
            }
            checkAccess(c.client, s);
            return c;
        } catch (Exception e) {
            c.close();
            throw errors.connectFailed(e);
        }
    }

    /** Set once the repository exists; states seen before are handled as they come. */
    void recovery(Runnable sessionLost, Recovery recovery) {
        this.sessionLost = sessionLost;
        this.recovery = recovery;
    }

    /**
     * Resolves the servers' hosts first ({@link Hosts}: {@code CONNECT_FAILED} when none resolves): the
     * ZooKeeper client would log a stack trace for every attempt on a name that does not resolve.
     */
    private static void requireResolvableHost(ZooKeeperSettings s) {
        List<String> hosts = Arrays.stream(s.servers().split(",")).map(e -> Hosts.host(e.trim())).toList();
        List<String> unresolved = Hosts.requireResolvable(hosts, "connect to ZooKeeper servers '" + s.servers()
                + "' (namespace '" + s.label() + "') failed");
        if (!unresolved.isEmpty()) {
            log.warn("[{}] cannot resolve ZooKeeper host(s) {}; connecting to the others of '{}'", s.label(),
                    unresolved, s.servers());
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

    @Override
    public List<ACL> getDefaultAcl() {
        return acl;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return acl;
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

    /** Curator's callback, on Curator's thread: hands the state to the state thread (dropped once closed). */
    @Override
    public void stateChanged(CuratorFramework client, org.apache.curator.framework.state.ConnectionState state) {
        thread.execute(() -> handle(state));
    }

    private void handle(org.apache.curator.framework.state.ConnectionState state) {
        switch (state) {
            case CONNECTED -> {
                sessionId = currentSession();
                listeners.report(ConnectionState.CONNECTED, "session 0x" + Long.toHexString(sessionId));
            }
            case SUSPENDED, READ_ONLY -> listeners.report(ConnectionState.SUSPENDED, "connection to "
                    + settings.servers() + " lost; the session may still be alive");
            case LOST -> lost("session expired or given up after the session timeout");
            case RECONNECTED -> reconnected();
            default -> log.debug("[{}] ignoring Curator state {}", settings.label(), state);
        }
    }

    private void lost(String why) {
        lostSession = true;
        sessionLost.run();
        listeners.report(ConnectionState.LOST, why + "; ephemerals are gone, held locks are lost");
    }

    private void reconnected() {
        long now = currentSession();
        if (now != sessionId && !lostSession) {
            lost("reconnected with a new session 0x" + Long.toHexString(now));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                recovery.reconnected(lostSession);
                break;
            } catch (Exception e) {
                if (!client.getZookeeperClient().isConnected()) {
                    log.info("[{}] connection dropped again while recovering; recovery resumes on the next reconnect",
                            settings.label());
                    return;
                }
                if (attempt >= RECOVERY_ATTEMPTS) {
                    log.warn("[{}] recovery after reconnect failed {} times; retrying on the next reconnect",
                            settings.label(), attempt, e);
                    listeners.report(ConnectionState.RECONNECTED, "but recovery is incomplete");
                    return;
                }
                log.info("[{}] recovery after reconnect failed, retrying: {}", settings.label(), e.toString());
            }
        }
        lostSession = false;
        sessionId = now;
        listeners.report(ConnectionState.RECONNECTED, "session 0x" + Long.toHexString(now));
    }

    private long currentSession() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Closes the client (the server drops our ephemerals) and stops the state thread: waits up to 5 s unless on it. */
    void close() {
        client.close();
        thread.close(Duration.ofSeconds(5));
    }
}
