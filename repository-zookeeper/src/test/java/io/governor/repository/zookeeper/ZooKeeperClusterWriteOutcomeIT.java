package io.governor.repository.zookeeper;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The lost-answer contract on a three-server ensemble: connections cut by proxies, and the leader
 * killed and restarted in the middle of the run.
 */
class ZooKeeperClusterWriteOutcomeIT extends WriteOutcomeContract {

    private static TestingCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ZooKeeperTests.cluster(3);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Override
    protected List<String> servers() {
        return cluster.getInstances().stream().map(s -> "127.0.0.1:" + s.getPort()).toList();
    }

    @Override
    protected String linearizableRead(Repository r, String key) {
        return ZooKeeperTests.syncedGet(r, key);
    }

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return ZooKeeperTests.open(ZooKeeperTests.config(String.join(",", addresses), namespace,
                Duration.ofSeconds(10)).build());
    }

    @Override
    protected boolean loseLeader() throws Exception {
        for (InstanceSpec spec : cluster.getInstances()) {
            if (mode(spec).contains("Mode: leader")) {
                cluster.killServer(spec);
                cluster.restartServer(spec);
                return true;
            }
        }
        return false;
    }

    /** The server's {@code srvr} four-letter answer, which names its mode (leader, follower). */
    private static String mode(InstanceSpec spec) {
        try (Socket s = new Socket("127.0.0.1", spec.getPort())) {
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }
}
