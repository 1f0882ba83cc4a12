package io.governor.core.scenario;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.core.InstanceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * End to end with a separate config center: two governed DataSource instances whose configuration
 * lives in the config center under test and whose registry is another backend switch a data source
 * after one admin call and report convergence. A config-center module extends it and says how to
 * reach both centers.
 */
@Timeout(120)
public abstract class ConfigCenterScenario {

    /** The namespace to govern. */
    protected abstract String namespace();

    /** The registry center (ZooKeeper or etcd). */
    protected abstract RepositoryConfig registryCenter();

    /** The config center under test. */
    protected abstract RepositoryConfig configCenter();

    /** Checks that the data source's configuration really lives in the config center. */
    protected abstract void assertStoredInConfigCenter(String database, String dataSource);

    @Test
    void twoInstancesSwitchADataSourceAfterAnAdminCallAndReportConvergence() throws Exception {
        try (H2Databases h2 = new H2Databases()) {
            String primary = h2.create("primary");
            String replica = h2.create("replica");
            String primaryV2 = h2.create("primary_v2");
            GovernanceConfig config = GovernanceConfig.builder(namespace())
                    .registryCenter(registryCenter())
                    .configCenter(configCenter())
                    .database("orders", DatabaseConfig.empty()
                            .withDataSource("primary", H2Databases.dataSource(primary))
                            .withDataSource("replica_0", H2Databases.dataSource(replica))
                            .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))))
                    .build();
            try (Governance a = Governance.builder(config).build(); Governance b = Governance.builder(config).build()) {
                assertEquals(primary, writer(b.dataSource("orders")));

                String revision = a.admin().replaceDataSource("orders", "primary", H2Databases.dataSource(primaryV2));
                List<InstanceInfo> converged = a.admin().awaitConvergence("orders", revision, Duration.ofSeconds(30));

                assertEquals(2, converged.size());
                assertEquals(primaryV2, writer(a.dataSource("orders")));
                assertEquals(primaryV2, writer(b.dataSource("orders")));
                assertEquals(revision, b.appliedRevision("orders"));
                assertStoredInConfigCenter("orders", "primary");
            }
        }
    }

    private static String writer(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM whoami")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
