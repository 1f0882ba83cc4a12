package io.governor.repository.zookeeper;

import io.governor.api.repository.RepositoryConfig;
import io.governor.test.CenterExtension;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * An in-process ZooKeeper ensemble for a test class ({@link ZooKeeperTests#cluster(int)}):
 * {@code @RegisterExtension static final ZooKeeperEnsemble ENSEMBLE = new ZooKeeperEnsemble(3);}
 * starts it before all tests and closes it after them. Tests kill and restart its servers through
 * {@link #cluster()}. Safe to read from any thread once started.
 */
final class ZooKeeperEnsemble implements BeforeAllCallback, AfterAllCallback, CenterExtension {

    private final int size;
    private volatile TestingCluster cluster;

    ZooKeeperEnsemble(int size) {
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = ZooKeeperTests.cluster(size);
        cluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }

    /** The running ensemble. */
    TestingCluster cluster() {
        return cluster;
    }

    /** {@code 127.0.0.1:port} of each server. */
    @Override
    public List<String> addresses() {
        return cluster.getInstances().stream().map(s -> "127.0.0.1:" + s.getPort()).toList();
    }

    /** A {@code zookeeper} client of the whole ensemble with a 10 s session timeout. */
    @Override
    public RepositoryConfig center() {
        return RepositoryConfig.builder("zookeeper").serverLists(cluster.getConnectString())
                .property("sessionTimeout", "10s").build();
    }
}
