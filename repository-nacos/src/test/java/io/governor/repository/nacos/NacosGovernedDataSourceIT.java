package io.governor.repository.nacos;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.ConfigCenterScenario;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: two governed DataSource instances with their config center on Nacos (the gRPC
 * stand-in) and their registry on ZooKeeper (in-process) switch a data source after an admin call
 * and report convergence.
 */
class NacosGovernedDataSourceIT extends ConfigCenterScenario {

    private static TestingServer zookeeper;
    private static NacosStandIn nacos;
    private final String namespace = NacosRepositoryIT.namespace();

    @BeforeAll
    static void startServers() throws Exception {
        zookeeper = new TestingServer(Ports.reserve(1)[0], true);
        nacos = new NacosStandIn();
    }

    @AfterAll
    static void stopServers() throws Exception {
        nacos.close();
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
        return RepositoryConfig.builder("nacos").serverLists(nacos.address()).build();
    }

    @Override
    protected void assertStoredInConfigCenter(String database, String dataSource) {
        String suffix = ".config.databases." + database + ".datasources." + dataSource;
        assertTrue(nacos.dataIds().stream().anyMatch(id -> id.endsWith(suffix)),
                () -> "the data source lives in Nacos: " + nacos.dataIds());
    }
}
