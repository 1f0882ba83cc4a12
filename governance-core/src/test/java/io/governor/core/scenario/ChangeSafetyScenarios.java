package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.repository.Repository;
import io.governor.core.ControlChange;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.InstanceInfo;
import io.governor.core.InstanceState;
import io.governor.test.Await;
import io.governor.core.RawCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20: a change no instance can apply never reaches the center (the admin checks data sources
 * as an instance does, short of connecting; refuses to disable a read/write primary; says which rule
 * blocks a removal), a failed first start does not seed the center and instances starting at once
 * seed it once, and control changes can be awaited and are shown as applied. Run once per backend
 * by a subclass that says how to reach the center.
 */
@Timeout(120)
public abstract class ChangeSafetyScenarios extends ScenarioSupport {

    @Override
    protected Duration poolCheckTimeout() {
        return Duration.ofSeconds(10);
    }

    private GovernanceAdmin admin() {
        GovernanceAdmin a = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()));
        track(a);
        return a;
    }

    private Repository raw() {
        Repository r = RawCenter.create(center().toBuilder().namespace(namespace).build());
        track(r);
        return r;
    }

    private static DataSourceConfig unreachable() {
        return DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-not-shown").with("connectionTimeout", "250");
    }

    private static GovernanceException invalid(Runnable write) {
        GovernanceException e = assertThrows(GovernanceException.class, write::run);
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.getMessage());
        return e;
    }

    private static void assertNames(GovernanceException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "'" + p + "' missing from: " + e.getMessage());
        }
    }

    // --- 1. A change that no instance can apply must not reach the center ---

    @Test
    void adminRefusesAMisspeltPoolPropertyInEveryDataSourceWriteAndWritesNothing() {
        Governance g = start(orders());
        GovernanceAdmin admin = g.admin();
        DataSourceConfig typo = H2Databases.dataSource(replica0).with("maximumPoolSise", "5");

        GovernanceException replace = invalid(() -> admin.replaceDataSource("orders", "replica_0", typo));
        assertNames(replace, "database 'orders'", "data source 'replica_0'", "'maximumPoolSise'", "did you mean 'maximumPoolSize'?");
        GovernanceException add = invalid(() -> admin.addDataSource("orders", "replica_2", typo));
        assertNames(add, "database 'orders'", "data source 'replica_2'", "'maximumPoolSise'");
        GovernanceException whole = invalid(() -> admin.replaceDatabase("orders", orders().withDataSource("replica_0", typo)));
        assertNames(whole, "database 'orders'", "data source 'replica_0'", "'maximumPoolSise'");

        assertEquals(orders(), admin.database("orders"), "nothing was written");
        assertEquals(g.appliedRevision("orders"), admin.revision("orders"));
    }

    @Test
    void adminRefusesADataSourceWithoutAJdbcUrlOrWithAValueOfTheWrongTypeOrANonJdbcUrl() {
        GovernanceAdmin admin = start(orders()).admin();

        DataSourceConfig noUrl = new DataSourceConfig(null, Map.of("username", "sa", "password", "pw-not-shown"));
        assertNames(invalid(() -> admin.replaceDataSource("orders", "replica_0", noUrl)),
                "database 'orders'", "data source 'replica_0'", "'jdbcUrl'");
        DataSourceConfig wrongType = H2Databases.dataSource(replica0).with("maximumPoolSize", "many");
        assertNames(invalid(() -> admin.replaceDataSource("orders", "replica_0", wrongType)),
                "data source 'replica_0'", "'maximumPoolSize'", "'many'", "int");
        DataSourceConfig notJdbc = H2Databases.dataSource(replica0).with("jdbcUrl", "h2:mem:" + replica0);
        GovernanceException e = invalid(() -> admin.replaceDataSource("orders", "replica_0", notJdbc));
        assertNames(e, "data source 'replica_0'", "'jdbcUrl'", "not a JDBC URL");
        assertFalse(e.getMessage().contains("pw-not-shown"), e.getMessage());

        assertEquals(orders(), admin.database("orders"), "nothing was written");
    }

    /** The bad data source never reached the center, so the next good change applies and a new instance starts. */
    @Test
    void afterARefusedChangeTheNextGoodChangeConvergesAndANewInstanceStarts() throws Exception {
        Governance a = start(orders());
        invalid(() -> a.admin().replaceDataSource("orders", "replica_0",
                H2Databases.dataSource(replica0).with("maximumPoolSise", "5")));
        String replica2 = h2.create("replica2");

        String rev = a.admin().replaceDataSource("orders", "replica_1", H2Databases.dataSource(replica2));
        a.admin().awaitConvergence("orders", rev, WAIT);
        Governance b = start(orders());

        assertEquals(rev, b.appliedRevision("orders"));
        assertEquals(Set.of(replica0, replica2), readsServedBy(b.dataSource("orders"), 6));
    }

    /**
     * An admin need not carry the application's drivers: a URL no driver of its process claims is
     * stored, and the instance (which has no such driver either) rejects it and keeps running.
     */
    @Test
    void urlThatNoDriverClaimsIsStoredAndTheInstanceRejectsIt() {
        Governance g = start(orders());
        String before = g.appliedRevision("orders");

        String rev = g.admin().replaceDataSource("orders", "replica_0", DataSourceConfig.of("jdbc:nosuch:foo", "sa", ""));

        Await.until(WAIT, "rejection in the instance status", () -> g.admin().instances().get(0).errors().containsKey("orders"));
        GovernanceException timeout = assertThrows(GovernanceException.class,
                () -> g.admin().awaitConvergence("orders", rev, Duration.ofMillis(300)));
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertEquals(before, g.appliedRevision("orders"));
    }

    @Test
    void disablingTheReadWritePrimaryIsRefusedWithHowToFailOver() {
        GovernanceAdmin admin = start(orders()).admin();

        GovernanceException e = invalid(() -> admin.disableDataSource("orders", "primary"));

        assertNames(e, "'primary'", "database 'orders'", "primary of rule !READWRITE_SPLITTING", "withPrimary");
        assertTrue(raw().get(RawCenter.dataSourceControl("orders", "primary")).isEmpty(), "no control node written");
        assertTrue(admin.instances().get(0).disabledDataSources("orders").isEmpty());
    }

    @Test
    void removingADataSourceARuleNamesSaysWhichRuleNamesItAndWhatToChangeFirst() {
        GovernanceAdmin admin = start(orders()).admin();

        GovernanceException replica = invalid(() -> admin.removeDataSource("orders", "replica_0"));
        assertNames(replica, "remove data source 'replica_0' of database 'orders'", "rule !READWRITE_SPLITTING",
                "as a replica", "remove it from the replicas");
        GovernanceException primaryRemoval = invalid(() -> admin.removeDataSource("orders", "primary"));
        assertNames(primaryRemoval, "rule !READWRITE_SPLITTING", "as its primary", "withPrimary");
        assertEquals(orders(), admin.database("orders"));
    }

    // --- 2. A failed first start must not seed the center ---

    @Test
    void failedFirstStartLeavesTheCenterEmptyAndTheFixedFileThenSeedsIt() {
        DatabaseConfig broken = orders().withDataSource("primary", unreachable());

        GovernanceException e = assertThrows(GovernanceException.class, () -> start(broken));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertNames(e, "'primary'", "not written to the center");
        assertFalse(e.getMessage().contains("pw-not-shown"), e.getMessage());
        assertTrue(raw().children(RawCenter.DATABASES).isEmpty(), "the center stays empty");

        DatabaseConfig typo = orders().withDataSource("replica_0", H2Databases.dataSource(replica0).with("maximumPoolSise", "5"));
        GovernanceException invalid = assertThrows(GovernanceException.class, () -> start(typo));
        assertEquals(ErrorCode.INVALID_CONFIG, invalid.code());
        assertNames(invalid, "data source 'replica_0'", "'maximumPoolSise'", "did you mean 'maximumPoolSize'?");
        assertTrue(raw().children(RawCenter.DATABASES).isEmpty(), "the center stays empty");

        Governance fixed = start(orders());
        assertEquals(orders(), fixed.admin().database("orders"), "the fixed file seeded the center");
        assertEquals(fixed.admin().revision("orders"), fixed.appliedRevision("orders"));
    }

    /**
     * Two instances with different files find the center empty and both check their pools; the
     * first seeds, the second's seed is refused and it runs what the first wrote, at once.
     */
    @Test
    void twoInstancesStartingOnAnEmptyCenterSeedItExactlyOnce() throws Exception {
        String tag = UUID.randomUUID().toString();
        DatabaseConfig first = orders().withDataSource("primary",
                new DataSourceConfig(CheckpointPool.class.getName(), H2Databases.dataSource(primary).properties())
                        .with("checkpoint", tag + "-first"));
        String other = h2.create("other_primary");
        DatabaseConfig second = orders().withDataSource("primary",
                new DataSourceConfig(CheckpointPool.class.getName(), H2Databases.dataSource(other).properties())
                        .with("checkpoint", tag + "-second"));
        ExecutorService starts = Executors.newFixedThreadPool(2);
        try (CheckpointPool.Checkpoint atFirst = CheckpointPool.arm(tag + "-first");
             CheckpointPool.Checkpoint atSecond = CheckpointPool.arm(tag + "-second")) {
            Future<Governance> a = starts.submit(() -> start(first));
            Future<Governance> b = starts.submit(() -> start(second));
            assertTrue(atFirst.arrived.await(30, TimeUnit.SECONDS) && atSecond.arrived.await(30, TimeUnit.SECONDS),
                    "both found the center empty and are checking their pools");
            atFirst.pass.countDown();
            Governance seeder = a.get(30, TimeUnit.SECONDS);
            atSecond.pass.countDown();
            Governance late = b.get(30, TimeUnit.SECONDS);

            assertEquals(first, seeder.admin().database("orders"), "the center holds the first file only");
            assertEquals(first, late.configuration("orders"), "the second runs the center's configuration at once");
            assertEquals(seeder.appliedRevision("orders"), late.appliedRevision("orders"));
            assertEquals(primary, whoAmI(late.dataSource("orders"), false));
        } finally {
            starts.shutdown();
        }
    }

    @Test
    void startUpFailingOnTheCentersConfigurationSaysItWasTheCentersAndWhere() {
        admin().replaceDatabase("orders", orders().withDataSource("primary", unreachable()));

        GovernanceException e = assertThrows(GovernanceException.class, () -> start(orders()));

        assertNames(e, "the center's configuration was used", "bootstrap: center", center().type() + " at ",
                "namespace '" + namespace + "'", "'primary'");
        assertFalse(e.getMessage().contains("pw-not-shown"), e.getMessage());
    }

    // --- 4. Operators can wait for control changes and see them ---

    @Test
    void disableAndEnableCanBeAwaitedAndEveryInstanceShowsItsDisabledDataSources() {
        Governance a = start(orders());
        Governance b = start(orders());

        ControlChange disable = a.admin().disableDataSource("orders", "replica_0");
        List<InstanceInfo> applied = a.admin().awaitControl(disable, WAIT);

        assertEquals(2, applied.size());
        applied.forEach(i -> assertEquals(Set.of("replica_0"), i.disabledDataSources("orders"), i.id()));
        assertEquals(Set.of(replica1), readsServedBy(b.dataSource("orders"), 6), "in force once awaited");
        assertEquals(Set.of(replica1), readsServedBy(a.dataSource("orders"), 6), "in force once awaited");

        ControlChange enable = a.admin().enableDataSource("orders", "replica_0");
        a.admin().awaitControl(enable, WAIT).forEach(i -> assertEquals(Set.of(), i.disabledDataSources("orders")));
        assertEquals(Set.of(replica0, replica1), readsServedBy(b.dataSource("orders"), 6));
    }

    @Test
    void circuitBreakAndRestoreCanBeAwaitedAndTheInstanceShowsItsCircuitState() throws Exception {
        Governance a = start(orders());
        Governance b = start(orders());

        List<InstanceInfo> broken = a.admin().awaitControl(a.admin().circuitBreak(b.instanceId()), WAIT);

        assertEquals(1, broken.size());
        assertEquals(InstanceState.CIRCUIT_BREAKER, broken.get(0).state());
        SQLTransientConnectionException refused = assertThrows(SQLTransientConnectionException.class,
                () -> b.dataSource("orders").getConnection(), "in force once awaited");
        assertEquals("08004", refused.getSQLState());
        assertEquals(InstanceState.ONLINE, a.admin().instances().stream().filter(i -> i.id().equals(a.instanceId()))
                .findFirst().orElseThrow().state());

        a.admin().awaitControl(a.admin().restore(b.instanceId()), WAIT);
        assertEquals(primary, whoAmI(b.dataSource("orders"), false));
    }

    @Test
    void awaitControlTimesOutNamingEveryLaggardAndWhatItRuns() {
        Governance a = start(orders());
        Governance b = start(orders());
        ControlChange disable = a.admin().disableDataSource("orders", "replica_0");
        a.admin().awaitControl(a.admin().enableDataSource("orders", "replica_0"), WAIT);

        GovernanceException e = assertThrows(GovernanceException.class,
                () -> a.admin().awaitControl(disable, Duration.ofMillis(300)));

        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertNames(e, "orders/replica_0 DISABLED", "2 of 2", a.instanceId() + " runs ENABLED", b.instanceId() + " runs ENABLED");

        ControlChange breakB = a.admin().circuitBreak(b.instanceId());
        b.close();
        GovernanceException gone = assertThrows(GovernanceException.class,
                () -> a.admin().awaitControl(breakB, Duration.ofMillis(300)));
        assertNames(gone, b.instanceId() + " is not registered");
    }

}
