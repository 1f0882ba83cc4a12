package io.governor.core.service;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.yaml.RuleCodecs;
import io.governor.core.yaml.YamlCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a database: nodes whose text did not change are not decoded again; everything else is. */
class ConfigServiceTest {

    private final Repository repo = new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory")
            .serverLists("config-service-" + UUID.randomUUID()).namespace("ns").build());
    private final ConfigService config = new ConfigService(repo, new YamlCodec(RuleCodecs.load()), "ns");

    @AfterEach
    void close() {
        repo.close();
    }

    private static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name, "sa", "pw");
    }

    private void seed() {
        config.overwrite("orders", DatabaseConfig.empty().withDataSource("primary", h2("p")).withDataSource("replica", h2("r"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica"))), null);
    }

    @Test
    void unchangedNodesKeepTheirDecodedValueAndChangedOnesAreReadAgain() {
        seed();
        DatabaseSnapshot first = config.load("orders");
        repo.put(NodePaths.dataSource("orders", "replica"), config.codec().writeDataSource(h2("r2")));
        DatabaseSnapshot second = config.load("orders");

        assertSame(first.config().dataSources().get("primary"), second.config().dataSources().get("primary"));
        assertSame(first.config().rules(), second.config().rules());
        assertNotSame(first.config().dataSources().get("replica"), second.config().dataSources().get("replica"));
        assertEquals(h2("r2"), second.config().dataSources().get("replica"));
    }

    @Test
    void aNodeWithTheSameTextAgainIsNotDecodedAgainButAnotherTextIs() {
        config.writeProps(new GovernanceProps(Map.of("pool-check-timeout", "3s")), null);
        GovernanceProps a = config.loadProps().getKey();
        assertSame(a, config.loadProps().getKey());
        config.writeProps(new GovernanceProps(Map.of("pool-check-timeout", "4s")), null);
        assertEquals(new GovernanceProps(Map.of("pool-check-timeout", "4s")), config.loadProps().getKey());
    }

    @Test
    void anInvalidNodeFailsEveryReadUntilItIsFixed() {
        seed();
        DatabaseSnapshot good = config.load("orders");
        String key = NodePaths.dataSource("orders", "replica");
        repo.put(key, "jdbcUrl: [unclosed");
        for (int i = 0; i < 2; i++) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> config.load("orders"));
            assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        }
        repo.put(key, good.rawDataSources().get("replica"));
        assertEquals(good.config(), config.load("orders").config());
    }
}
