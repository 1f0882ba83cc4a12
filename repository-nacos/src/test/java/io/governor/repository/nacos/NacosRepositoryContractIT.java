package io.governor.repository.nacos;

import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RepositoryContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

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

    /**
     * The client's change notifications were seen to go missing now and then on a loaded machine;
     * the watch's periodic re-read ({@code watchResync}, 10 s by default) then delivers the change,
     * so a watch may take up to that long plus a read.
     */
    @Override
    protected Duration awaitTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    protected Repository newRepository(String namespace) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists(server.address()).build());
    }
}
