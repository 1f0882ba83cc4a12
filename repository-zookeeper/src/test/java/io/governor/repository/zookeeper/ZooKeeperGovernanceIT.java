package io.governor.repository.zookeeper;

import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.InstanceInfo;
import io.governor.core.InstanceState;
import io.governor.test.Await;
import io.governor.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Governance entry point end to end with ZooKeeper as config and registry center. */
class ZooKeeperGovernanceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ZooKeeperServer ZK = new ZooKeeperServer();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String namespace;

    @BeforeEach
    void name(TestInfo info) {
        namespace = "gov-" + info.getTestMethod().orElseThrow().getName().substring(0, 20);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private GovernanceConfig config(String servers, DatabaseConfig orders) {
        RepositoryConfig zk = ZooKeeperTests.config(servers, "", Duration.ofSeconds(2)).build();
        GovernanceConfig.Builder b = GovernanceConfig.builder(namespace).registryCenter(zk).bootstrap(BootstrapMode.CENTER);
        if (orders != null) {
            b.database("orders", orders);
        }
        return b.build();
    }

    private static DatabaseConfig orders(String tag) {
        return DatabaseConfig.empty()
                .withDataSource("primary", h2(tag + "-primary"))
                .withDataSource("replica_0", h2(tag + "-replica0"))
                .withDataSource("replica_1", h2(tag + "-replica1"))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1")));
    }

    private static DataSourceConfig h2(String name) {
        return DataSourceConfig.of("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "secret-" + name);
    }

    private static Set<String> ids(List<InstanceInfo> instances) {
        return instances.stream().map(InstanceInfo::id).collect(Collectors.toSet());
    }

    @Test
    void adminChangesAreAppliedByEveryInstanceAndInstancesAreListed() {
        Governance a = track(Governance.builder(config(ZK.connectString(), orders("zk-a"))).build());
        Governance b = track(Governance.builder(config(ZK.connectString(), orders("zk-b"))).build());
        GovernanceAdmin admin = track(GovernanceAdmin.connect(config(ZK.connectString(), null)));

        assertEquals(Set.of(a.instanceId(), b.instanceId()), ids(admin.instances()));
        assertEquals(a.appliedRevision("orders"), b.appliedRevision("orders"), "b took the center's configuration");

        String rules = admin.updateRules("orders", current -> List.of(ReadwriteSplittingRule.of("primary", "replica_1")));
        assertEquals(2, admin.awaitConvergence("orders", rules, WAIT).size());
        assertEquals(List.of("replica_1"), b.configuration("orders").rule(ReadwriteSplittingRule.class).replicas());
        assertEquals(rules, a.appliedRevision("orders"));

        String added = admin.addDataSource("orders", "replica_2", h2("zk-replica2"));
        admin.awaitConvergence("orders", added, WAIT);
        assertTrue(a.configuration("orders").dataSources().containsKey("replica_2"));

        admin.circuitBreak(b.instanceId());
        Await.until(WAIT, "b is circuit-broken", () -> b.state() == InstanceState.CIRCUIT_BREAKER);
        Await.until(WAIT, "the admin lists b as circuit-broken", () -> admin.instances().stream()
                .anyMatch(i -> i.id().equals(b.instanceId()) && i.state() == InstanceState.CIRCUIT_BREAKER));
        assertEquals(InstanceState.ONLINE, a.state());
    }

    @Test
    void instanceStatusComesBackAfterItsSessionIsLost() {
        TcpProxy proxy = track(TcpProxy.start("127.0.0.1", ZK.port()));
        Governance a = track(Governance.builder(config(proxy.address(), orders("zk-lost"))).build());
        GovernanceAdmin admin = track(GovernanceAdmin.connect(config(ZK.connectString(), null)));
        assertEquals(Set.of(a.instanceId()), ids(admin.instances()));

        proxy.cut();
        Await.until(WAIT, "the session expires and the instance drops out of the list", () -> admin.instances().isEmpty());
        proxy.restore();

        InstanceInfo back = Await.value(WAIT, "the instance is listed again", () -> admin.instances().stream()
                .filter(i -> i.id().equals(a.instanceId())).findFirst());
        assertEquals(a.appliedRevision("orders"), back.appliedRevisions().get("orders"));
    }
}
