package io.governor.repository.zookeeper;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.support.StateListeners;
import io.governor.api.repository.support.WatchThread;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Maps Curator's connection states to Governor's and reacts to them, in order, on the repository's
 * state thread ({@code governor-<namespace>-state}). On {@code LOST} (session expired, or given up
 * by Curator) held lock leases are lost, then listeners hear it. On {@code RECONNECTED} a changed
 * session id that Curator did not report as LOST is handled as a LOST first; then the
 * {@link Recovery} runs (ephemerals, watches) and only then do listeners hear {@code RECONNECTED}.
 * Every transition is logged at INFO. Thread-safe.
 */
final class ConnectionStates implements org.apache.curator.framework.state.ConnectionStateListener {

    private static final Logger log = LoggerFactory.getLogger(ConnectionStates.class);
    private static final int RECOVERY_ATTEMPTS = 3;

    /** What the repository does on the state thread when the client is back ({@code newSession}: after a loss). */
    interface Recovery {
        void reconnected(boolean newSession) throws Exception;
    }

    private final String label;
    private final String servers;
    private final WatchThread thread;
    /** The repository's listeners, told on the state thread itself: its tasks already run one at a time, in order. */
    final StateListeners listeners;
    private volatile Runnable sessionLost = () -> { };
    private volatile Recovery recovery = newSession -> { };
    // state-thread only
    private long sessionId;
    private boolean lostSession;

    ConnectionStates(ZooKeeperSettings settings) {
        this.label = settings.label();
        this.servers = settings.servers();
        this.thread = new WatchThread(label, "state");
        this.listeners = new StateListeners(label, Runnable::run);
    }

    /** Set once the repository exists; states seen before are handled as they come. */
    void recovery(Runnable sessionLost, Recovery recovery) {
        this.sessionLost = sessionLost;
        this.recovery = recovery;
    }

    /** Curator's callback, on Curator's thread: hands the state to the state thread (dropped once closed). */
    @Override
    public void stateChanged(CuratorFramework client, org.apache.curator.framework.state.ConnectionState state) {
        thread.execute(() -> handle(client, state));
    }

    private void handle(CuratorFramework client, org.apache.curator.framework.state.ConnectionState state) {
        switch (state) {
            case CONNECTED -> {
                sessionId = currentSession(client);
                listeners.report(ConnectionState.CONNECTED, "session 0x" + Long.toHexString(sessionId));
            }
            case SUSPENDED, READ_ONLY -> listeners.report(ConnectionState.SUSPENDED, "connection to " + servers + " lost; the session may still be alive");
            case LOST -> lost("session expired or given up after the session timeout");
            case RECONNECTED -> reconnected(client);
            default -> log.debug("[{}] ignoring Curator state {}", label, state);
        }
    }

    private void lost(String why) {
        lostSession = true;
        sessionLost.run();
        listeners.report(ConnectionState.LOST, why + "; ephemerals are gone, held locks are lost");
    }

    private void reconnected(CuratorFramework client) {
        long now = currentSession(client);
        if (now != sessionId && !lostSession) {
            lost("reconnected with a new session 0x" + Long.toHexString(now));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                recovery.reconnected(lostSession);
                break;
            } catch (Exception e) {
                if (!client.getZookeeperClient().isConnected()) {
                    log.info("[{}] connection dropped again while recovering; recovery resumes on the next reconnect", label);
                    return;
                }
                if (attempt >= RECOVERY_ATTEMPTS) {
                    log.warn("[{}] recovery after reconnect failed {} times; retrying on the next reconnect", label, attempt, e);
                    listeners.report(ConnectionState.RECONNECTED, "but recovery is incomplete");
                    return;
                }
                log.info("[{}] recovery after reconnect failed, retrying: {}", label, e.toString());
            }
        }
        lostSession = false;
        sessionId = now;
        listeners.report(ConnectionState.RECONNECTED, "session 0x" + Long.toHexString(now));
    }

    private long currentSession(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Stops the state thread; waits up to five seconds unless called on it. */
    void close() {
        thread.close(Duration.ofSeconds(5));
    }
}
