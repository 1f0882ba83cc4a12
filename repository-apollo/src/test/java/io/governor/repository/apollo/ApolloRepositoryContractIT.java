package io.governor.repository.apollo;

import io.governor.api.repository.Repository;
import io.governor.test.RepositoryContractTest;
import io.governor.test.apollo.ApolloServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared repository contract on a real Apollo 2.4.0 (config, admin and portal services,
 * {@link ApolloServer}): reads through the Apollo client, writes through the portal's OpenAPI.
 * The server and the JVM-wide Apollo client are shared by every IT class; each test runs in its
 * own Governor namespace of the app's namespace {@code application}.
 */
class ApolloRepositoryContractIT extends RepositoryContractTest {

    @RegisterExtension
    static final ApolloServer APOLLO = ApolloServer.shared();

    @Override
    protected Repository newRepository(String namespace) {
        return ApolloTesting.open(APOLLO, namespace);
    }
}
