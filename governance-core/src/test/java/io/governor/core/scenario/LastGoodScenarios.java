package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.InstanceInfo;
import io.governor.core.RawCenter;
import io.governor.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22 §3: the center keeps each database's last good revision (recorded by the first start and
 * by a successful {@code awaitConvergence}); an instance that cannot start on the current revision
 * starts on it, shows it in its status and converges once the current one is fixed; strict mode and
 * a missing last good revision fail start-up as before. Run once per backend by a subclass that says
 * how to reach the center.
 */
@Timeout(120)
public abstract class LastGoodScenarios extends ScenarioSupport {

    private static final String SECRET = "pw-not-shown";

    @Override
    protected Duration poolCheckTimeout() {
        return Duration.ofSeconds(10);
    }

    private Repository raw() {
        Repository r = RawCenter.create(center().toBuilder().namespace(namespace).build());
        track(r);
        return r;
    }

    private GovernanceAdmin admin() {
        GovernanceAdmin a = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()));
        track(a);
        return a;
    }

    private static DataSourceConfig unreachable() {
        return DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", SECRET).with("connectionTimeout", "250");
    }

    /** The revision the center records as the last good one of {@code orders}, if any. */
    private Optional<String> lastGood() {
        return raw().get(RawCenter.lastGood("orders")).map(VersionedValue::value).map(RawCenter::lastGoodRevision);
    }

    private static InstanceInfo status(GovernanceAdmin admin, Governance g) {
        return admin.instances().stream().filter(i -> i.id().equals(g.instanceId())).findFirst()
                .orElseThrow(() -> new AssertionError(g.instanceId() + " is not registered"));
    }

    private static void assertNames(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "'" + p + "' missing from: " + message);
        }
        assertFalse(message.contains(SECRET), () -> "a password in: " + message);
    }

    /** A running instance at the last good revision, and the center at a revision it cannot connect to. */
    private record Bad(Governance first, String good, String bad) {
    }

    /**
     * Starts an instance (which records its revision as the last good one), then writes a replica
     * that cannot connect: the admin accepts it (a well-formed URL its driver claims), the instance
     * rejects it.
     */
    private Bad currentRevisionCannotConnect() {
        Governance a = start(orders());
        String good = a.appliedRevision("orders");
        String bad = a.admin().replaceDataSource("orders", "replica_0", unreachable());
        Await.until(WAIT, "the running instance rejects the unreachable replica",
                () -> bad.equals(status(a.admin(), a).rejectedRevisions().get("orders")));
        return new Bad(a, good, bad);
    }

    @Test
    void firstStartRecordsTheRevisionItStartedOnAsLastGood() {
        Governance seeder = start(orders());
        String first = seeder.appliedRevision("orders");
        assertEquals(Optional.of(first), lastGood(), "the seeding start records it");

        String next = seeder.admin().replaceDataSource("orders", "replica_1", H2Databases.dataSource(replica0));
        Governance second = start(orders());

        assertEquals(next, second.appliedRevision("orders"));
        assertEquals(Optional.of(first), lastGood(), "a later start does not record: one is recorded already");
    }

    @Test
    void awaitConvergenceRecordsTheAwaitedRevisionAsLastGood() throws Exception {
        Governance a = start(orders());
        Governance b = start(orders());
        String before = a.appliedRevision("orders");
        String replica2 = h2.create("replica2");

        String rev = a.admin().replaceDataSource("orders", "replica_1", H2Databases.dataSource(replica2));
        assertEquals(Optional.of(before), lastGood(), "a write alone records nothing");
        a.admin().awaitConvergence("orders", rev, WAIT);

        assertEquals(Optional.of(rev), lastGood());
        assertEquals(rev, b.appliedRevision("orders"));
    }

    @Test
    void newInstanceStartsOnTheLastGoodRevisionWhileTheCurrentOneCannotConnectAndConvergesOnceFixed() throws Exception {
        Bad s = currentRevisionCannotConnect();

        Governance b = start(orders());

        assertEquals(s.good(), b.appliedRevision("orders"), "started on the last good revision");
        assertEquals(orders(), b.configuration("orders"));
        assertEquals(primary, whoAmI(b.dataSource("orders"), false));
        assertEquals(Set.of(replica0, replica1), readsServedBy(b.dataSource("orders"), 6), "serves the last good content");
        InstanceInfo shown = status(b.admin(), b);
        assertTrue(shown.runsFallback("orders"), shown.toString());
        assertEquals(s.good(), shown.appliedRevisions().get("orders"));
        assertEquals(s.bad(), shown.rejectedRevisions().get("orders"));
        assertNames(shown.errors().get("orders"), "'replica_0'");
        assertFalse(status(b.admin(), s.first()).runsFallback("orders"), "the running instance only rejected the change");

        String replica2 = h2.create("replica2");
        String fixed = b.admin().replaceDataSource("orders", "replica_0", H2Databases.dataSource(replica2));
        b.admin().awaitConvergence("orders", fixed, WAIT);

        assertEquals(fixed, b.appliedRevision("orders"));
        assertEquals(Set.of(replica2, replica1), readsServedBy(b.dataSource("orders"), 6));
        InstanceInfo after = status(b.admin(), b);
        assertFalse(after.runsFallback("orders"), after.toString());
        assertNull(after.errors().get("orders"));
        assertNull(after.rejectedRevisions().get("orders"));
        assertEquals(Optional.of(fixed), lastGood(), "the converged revision is the last good one now");
    }

    /** A current revision that does not even read (a raw write, past the admin's checks) is rejected the same way. */
    @Test
    void newInstanceStartsOnTheLastGoodRevisionWhileTheCurrentOneDoesNotRead() {
        Governance a = start(orders());
        String good = a.appliedRevision("orders");
        raw().put(RawCenter.dataSource("orders", "replica_0"), "jdbcUrl: [unclosed\n");

        Governance b = start(orders());

        assertEquals(good, b.appliedRevision("orders"));
        InstanceInfo shown = status(b.admin(), b);
        assertTrue(shown.runsFallback("orders"), shown.toString());
        assertNull(shown.rejectedRevisions().get("orders"), "unreadable: no revision to name");
        assertNames(shown.errors().get("orders"), RawCenter.dataSource("orders", "replica_0"));

        raw().put(RawCenter.dataSource("orders", "replica_0"), RawCenter.dataSourceYaml(H2Databases.dataSource(replica0)));
        Await.until(WAIT, "the fallback clears once the center reads again", () -> {
            InstanceInfo i = status(b.admin(), b);
            return !i.runsFallback("orders") && good.equals(i.appliedRevisions().get("orders")) && i.errors().isEmpty();
        });
    }

    @Test
    void awaitConvergenceTimeoutNamesTheInstanceRunningTheLastGoodRevision() {
        Bad s = currentRevisionCannotConnect();
        Governance b = start(orders());
        String reason = status(b.admin(), b).errors().get("orders");

        GovernanceException e = assertThrows(GovernanceException.class,
                () -> b.admin().awaitConvergence("orders", s.bad(), Duration.ofMillis(300)));

        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertNames(e.getMessage(), b.instanceId() + " runs last good revision " + s.good() + " (fallback); current revision "
                + s.bad() + " rejected: " + reason, s.first().instanceId() + " at " + s.good() + " (rejected: ");
        assertFalse(e.getMessage().contains(s.first().instanceId() + " runs last good"), e.getMessage());
        assertEquals(Optional.of(s.good()), lastGood(), "a timed-out wait records nothing");
    }

    @Test
    void strictStartupFailsInsteadOfFallingBack() {
        currentRevisionCannotConnect();

        GovernanceException e = assertThrows(GovernanceException.class, () -> track(Governance.builder(
                config(BootstrapMode.CENTER, orders()).toBuilder().strictStartup(true).build()).build()));

        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertNames(e.getMessage(), "database 'orders'", "'replica_0'", "strictStartup is on");
    }

    @Test
    void withoutALastGoodRevisionStartUpFailsAsBefore() {
        admin().replaceDatabase("orders", orders().withDataSource("replica_0", unreachable()));
        assertEquals(Optional.empty(), lastGood(), "no instance ever ran a revision");

        GovernanceException e = assertThrows(GovernanceException.class, () -> start(orders()));

        assertEquals(ErrorCode.CONNECT_FAILED, e.code(), e.getMessage());
        assertNames(e.getMessage(), "database 'orders'", "'replica_0'", "the center's configuration was used");
        assertFalse(e.getMessage().contains("last good"), e.getMessage());
        assertEquals(Optional.empty(), lastGood(), "a failed start records nothing");
    }
}
