package io.governor.repository.nacos;

import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RepositoryContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared repository contract on Nacos, against the in-test gRPC stand-in server. */
class NacosRepositoryContractIT extends RepositoryContractTest {

    private static NacosStandIn server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new NacosStandIn();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected Repository newRepository(String namespace) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists(server.address()).build());
    }
}
