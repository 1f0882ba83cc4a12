package io.governor.repository.zookeeper;

import org.apache.curator.test.InstanceSpec;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The lost-answer contract on a three-server ensemble: connections cut by proxies, and the leader
 * killed and restarted in the middle of the run.
 */
class ZooKeeperClusterWriteOutcomeIT extends ZooKeeperWriteOutcome {

    @RegisterExtension
    static final ZooKeeperEnsemble ENSEMBLE = new ZooKeeperEnsemble(3);

    @Override
    protected boolean loseLeader() throws Exception {
        for (InstanceSpec spec : ENSEMBLE.cluster().getInstances()) {
            if (mode(spec).contains("Mode: leader")) {
                ENSEMBLE.cluster().killServer(spec);
                ENSEMBLE.cluster().restartServer(spec);
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
