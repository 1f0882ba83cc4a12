package io.governor.repository.nacos;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.ConfigCenterScenario;
import io.governor.test.Ports;
import io.governor.test.nacos.NacosServer;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * End to end: two governed DataSource instances with their config center on a real Nacos server and
 * their registry on ZooKeeper (in-process) switch a data source after an admin call and report
 * convergence.
 */
class NacosGovernedDataSourceIT extends ConfigCenterScenario {

    @RegisterExtension
    static final NacosServer NACOS = NacosServer.shared();

    private static TestingServer zookeeper;
    private final String namespace = NacosRepositoryIT.namespace();

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(Ports.reserve(1)[0], true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        zookeeper.close();
    }

    @Override
    protected String namespace() {
        return namespace;
    }

    @Override
    protected RepositoryConfig registryCenter() {
        return RepositoryConfig.builder("zookeeper").serverLists(zookeeper.getConnectString())
                .property("sessionTimeout", "10s").build();
    }

    @Override
    protected RepositoryConfig configCenter() {
        return RepositoryConfig.builder("nacos").serverLists(NACOS.address()).build();
    }

    @Override
    protected void assertStoredInConfigCenter(String database, String dataSource) {
        String dataId = new DataIds(namespace).value("/config/databases/" + database + "/datasources/" + dataSource);
        try {
            ConfigService raw = NacosRepositoryIT.rawClient(NACOS);
            try {
                assertNotNull(raw.getConfig(dataId, NacosSettings.DEFAULT_GROUP, 3000), () -> "the data source lives in Nacos as " + dataId);
            } finally {
                raw.shutDown();
            }
        } catch (NacosException e) {
            throw new AssertionError("cannot read " + dataId + " from Nacos", e);
        }
    }
}
