package io.governor.repository.apollo;

import com.ctrip.framework.apollo.mockserver.ApolloTestingServer;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RepositoryContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared repository contract on Apollo: apollo-mockserver serves the reads and notifications,
 * the OpenAPI stand-in takes the writes and feeds the mock server. One server for the whole class
 * (the Apollo client is a JVM-wide singleton and the kit creates clients in the test methods); each
 * test runs in its own namespace.
 */
class ApolloRepositoryContractIT extends RepositoryContractTest {

    private static final String TOKEN = "contract-token";
    private static ApolloTestingServer apollo;
    private static OpenApiStandIn portal;

    @BeforeAll
    static void startServers() throws Exception {
        apollo = new ApolloTestingServer();
        apollo.start();
        portal = new OpenApiStandIn(apollo, TOKEN);
    }

    @AfterAll
    static void stopServers() {
        portal.close();
        apollo.close();
    }

    @Override
    protected Repository newRepository(String namespace) {
        return new ApolloRepositoryProvider().create(RepositoryConfig.builder("apollo").namespace(namespace)
                .property("appId", "governor-test")
                .property("portalUrl", portal.url())
                .property("token", TOKEN)
                .build());
    }
}
