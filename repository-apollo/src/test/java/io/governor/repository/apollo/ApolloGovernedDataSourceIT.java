package io.governor.repository.apollo;

import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.ConfigCenterScenario;
import io.governor.test.Ports;
import io.governor.test.apollo.ApolloServer;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * End to end: two governed DataSource instances with their config center on a real Apollo
 * ({@link ApolloServer}) and their registry on ZooKeeper (in-process) switch a data source after an
 * admin call and report convergence.
 */
class ApolloGovernedDataSourceIT extends ConfigCenterScenario {

    @RegisterExtension
    static final ApolloServer APOLLO = ApolloServer.shared();
    private static TestingServer zookeeper;
    private final String namespace = ApolloTesting.namespace();

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
        return ApolloTesting.config(APOLLO, "").build();
    }

    @Override
    protected void assertStoredInConfigCenter(String database, String dataSource) {
        String item = "/" + namespace + "/config/databases/" + database + "/datasources/" + dataSource;
        assertNotNull(ApolloTesting.portalValue(APOLLO, item), () -> "the data source lives in Apollo as item " + item);
    }
}
