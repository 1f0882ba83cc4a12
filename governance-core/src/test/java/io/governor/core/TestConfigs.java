package io.governor.core;

import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.RepositoryConfig;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Configurations for core tests: a fresh memory store per test, H2 in-memory data sources. */
final class TestConfigs {

    private TestConfigs() {
    }

    static String newStore() {
        return "store-" + UUID.randomUUID();
    }

    static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "secret-" + name);
    }

    /** primary + replica_0 + replica_1 with a read/write splitting rule; names made unique by {@code tag}. */
    static DatabaseConfig orders(String tag) {
        return DatabaseConfig.empty()
                .withDataSource("primary", h2(tag + "-primary"))
                .withDataSource("replica_0", h2(tag + "-replica0"))
                .withDataSource("replica_1", h2(tag + "-replica1"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1")));
    }

    /** Asserts that building a Governance of namespace {@code ns} on {@code center} fails, and returns why. */
    static GovernanceException startFails(RepositoryConfig center) {
        GovernanceConfig cfg = GovernanceConfig.builder("ns").registryCenter(center).build();
        return assertThrows(GovernanceException.class, () -> Governance.builder(cfg).build());
    }

    static RepositoryConfig memory(String store) {
        return RepositoryConfig.builder("memory").serverLists(store).build();
    }

    static GovernanceConfig config(String store, BootstrapMode mode, DatabaseConfig orders) {
        GovernanceConfig.Builder b = GovernanceConfig.builder("order-service").registryCenter(memory(store)).bootstrap(mode);
        if (orders != null) {
            b.database("orders", orders);
        }
        return b.build();
    }

    /** An admin of namespace {@code ns} whose configuration goes through {@code config} and whose registry is {@code registry}. */
    static GovernanceAdmin admin(ConfigService config, io.governor.api.repository.RegistryRepository registry) {
        return new GovernanceAdmin("ns", config, new RegistryService(registry, config.codec(), "ns"),
                new Instances(registry, config.codec()), () -> { });
    }
}
