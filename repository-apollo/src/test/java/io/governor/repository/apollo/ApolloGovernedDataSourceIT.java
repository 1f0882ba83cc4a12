package io.governor.repository.apollo;

import com.ctrip.framework.apollo.mockserver.ApolloTestingServer;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.scenario.ConfigCenterScenario;
import io.governor.test.Ports;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: two governed DataSource instances with their config center on Apollo (apollo-mockserver
 * plus the OpenAPI stand-in) and their registry on ZooKeeper (in-process) switch a data source after
 * an admin call and report convergence.
 */
class ApolloGovernedDataSourceIT extends ConfigCenterScenario {

    private static final String TOKEN = "e2e-token";
    private static TestingServer zookeeper;
    private static ApolloTestingServer apollo;
    private static OpenApiStandIn portal;
    private final String namespace = ApolloRepositoryIT.namespace();

    @BeforeAll
    static void startServers() throws Exception {
        zookeeper = new TestingServer(Ports.reserve(1)[0], true);
        apollo = new ApolloTestingServer();
        apollo.start();
        portal = new OpenApiStandIn(apollo, TOKEN);
    }

    @AfterAll
    static void stopServers() throws Exception {
        portal.close();
        apollo.close();
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
        return RepositoryConfig.builder("apollo").property("appId", "governor-test")
                .property("portalUrl", portal.url()).property("token", TOKEN).build();
    }

    @Override
    protected void assertStoredInConfigCenter(String database, String dataSource) {
        String suffix = "/config/databases/" + database + "/datasources/" + dataSource;
        assertTrue(portal.itemKeys().stream().anyMatch(k -> k.endsWith(suffix)),
                () -> "the data source lives in Apollo: " + portal.itemKeys());
    }
}
