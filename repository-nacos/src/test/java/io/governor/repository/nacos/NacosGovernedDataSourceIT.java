package io.governor.repository.nacos;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.core.InstanceInfo;
import io.governor.core.scenario.H2Databases;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: two governed DataSource instances with their config center on Nacos (the gRPC
 * stand-in) and their registry on ZooKeeper (in-process) switch a data source after an admin call
 * and report convergence.
 */
class NacosGovernedDataSourceIT {

    private static TestingServer zookeeper;
    private static NacosStandIn nacos;

    @BeforeAll
    static void startServers() throws Exception {
        zookeeper = new TestingServer(true);
        nacos = new NacosStandIn();
    }

    @AfterAll
    static void stopServers() throws Exception {
        nacos.close();
        zookeeper.close();
    }

    @Test
    void twoInstancesSwitchADataSourceAfterAnAdminCallAndReportConvergence() throws Exception {
        try (H2Databases h2 = new H2Databases()) {
            String primary = h2.create("primary");
            String replica = h2.create("replica");
            String primaryV2 = h2.create("primary_v2");
            GovernanceConfig config = GovernanceConfig.builder(NacosRepositoryIT.namespace())
                    .registryCenter(RepositoryConfig.builder("zookeeper").serverLists(zookeeper.getConnectString())
                            .property("sessionTimeout", "10s").build())
                    .configCenter(RepositoryConfig.builder("nacos").serverLists(nacos.address()).build())
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
                assertTrue(nacos.dataIds().stream().anyMatch(id -> id.endsWith(".config.databases.orders.datasources.primary")),
                        () -> "the data source lives in Nacos: " + nacos.dataIds());
                assertEquals(Optional.of(revision), Optional.ofNullable(b.appliedRevision("orders")));
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
