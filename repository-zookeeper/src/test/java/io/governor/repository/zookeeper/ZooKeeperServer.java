package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.test.CenterExtension;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * One in-process ZooKeeper server for a test class, on a port reserved outside the ephemeral range:
 * {@code @RegisterExtension static final ZooKeeperServer ZK = new ZooKeeperServer();} starts it
 * before all tests and stops it after them; as a {@link CenterExtension} it hands core's scenarios
 * a client of it.
 */
final class ZooKeeperServer implements BeforeAllCallback, AfterAllCallback, CenterExtension {

    private TestingServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new TestingServer(Ports.reserve(1)[0], true);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The one server's {@link #address()}. */
    @Override
    public List<String> addresses() {
        return List.of(address());
    }

    /** The server's port. */
    int port() {
        return server.getPort();
    }

    /** The server's connect string. */
    String connectString() {
        return server.getConnectString();
    }

    /** A {@code zookeeper} client of the server with a 10 s session timeout. */
    @Override
    public RepositoryConfig center() {
        return RepositoryConfig.builder("zookeeper").serverLists(connectString()).property("sessionTimeout", "10s").build();
    }
}
