package io.governor.repository.nacos;

import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.RepositoryContractTest;
import io.governor.test.nacos.NacosServer;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/** The shared repository contract on a real Nacos 2.5.1 server (standalone, embedded storage). */
class NacosRepositoryContractIT extends RepositoryContractTest {

    @RegisterExtension
    static final NacosServer NACOS = NacosServer.shared();

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
                .serverLists(NACOS.address()).build());
    }
}
