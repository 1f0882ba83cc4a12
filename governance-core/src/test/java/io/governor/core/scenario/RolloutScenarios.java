package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.repository.Repository;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RawCenter;
import io.governor.core.RevisionRecord;
import io.governor.core.RolloutInfo;
import io.governor.core.RolloutPlan;
import io.governor.core.RolloutResult;
import io.governor.test.Await;
import io.governor.test.Concurrently;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22, rollouts: a change goes to chosen instances first and is promoted or withdrawn; an open rollout
 * blocks other writes to its database, survives its admin and instance restarts. Run once per backend by a
 * subclass that says how to reach the center.
 */
@Timeout(120)
public abstract class RolloutScenarios extends ScenarioSupport {

    @Override
    protected Duration poolCheckTimeout() {
        return Duration.ofSeconds(10);
    }

    /** Records the revisions an instance applied or rejected: an instance that built pools for one has an event of it. */
    private static final class Revisions implements GovernanceListener {
        final List<String> applied = new CopyOnWriteArrayList<>();
        final List<String> rejected = new CopyOnWriteArrayList<>();

        @Override
        public boolean observesJdbc() {
            return false;
        }

        @Override
        public void configurationApplied(ConfigurationEvent event) {
            applied.add(event.revision());
        }

        @Override
        public void configurationRejected(ConfigurationEvent event, GovernanceException error) {
            rejected.add(event.revision());
        }

        boolean saw(String revision) {
            return applied.contains(revision) || rejected.contains(revision);
        }
    }

    private GovernanceAdmin admin() {
        return track(GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty())));
    }

    private Governance startLabelled(Map<String, String> labels, GovernanceListener... listeners) {
        GovernanceConfig cfg = config(BootstrapMode.CENTER, orders()).toBuilder().labels(labels).build();
        Governance.Builder b = Governance.builder(cfg);
        for (GovernanceListener l : listeners) {
            b.listener(l);
        }
        return track(b.build());
    }

    private static DataSourceConfig unreachable() {
        return DataSourceConfig.of("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-not-shown").with("connectionTimeout", "250");
    }

    /** A third replica's database, created on first use. */
    private String replica2;

    /** orders with replica_1 moved to a new H2 database. */
    private DatabaseConfig moved() throws Exception {
        if (replica2 == null) {
            replica2 = h2.create("replica2");
        }
        return orders().withDataSource("replica_1", H2Databases.dataSource(replica2));
    }

    private static GovernanceException fails(ErrorCode code, Executable call, String... named) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        for (String n : named) {
            assertTrue(e.getMessage().contains(n), () -> "'" + n + "' missing from: " + e.getMessage());
        }
        return e;
    }

    private static RolloutPlan held(RolloutPlan plan) {
        return plan.promoteAutomatically(false).timeout(WAIT);
    }

    // --- a rollout the chosen instance cannot apply ---

    @Test
    void rolloutThatTheChosenInstanceCannotConnectIsWithdrawnAndNoOtherInstanceEverBuiltAPoolForIt() {
        Revisions[] seen = {new Revisions(), new Revisions(), new Revisions()};
        Governance a = start(seen[0]);
        Governance b = start(seen[1]);
        Governance c = start(seen[2]);
        GovernanceAdmin admin = admin();
        String base = admin.revision("orders");

        RolloutResult r = admin.rollout("orders", orders().withDataSource("replica_1", unreachable()),
                RolloutPlan.instances(a.instanceId()).timeout(WAIT).message("move replica_1"));

        assertEquals(RolloutResult.Outcome.WITHDRAWN, r.outcome(), r.toString());
        assertEquals(a.instanceId(), r.instanceId());
        assertTrue(r.reason().contains("rejected revision " + r.revision()) && r.reason().contains("replica_1"), r.reason());
        assertFalse(r.reason().contains("pw-not-shown"), r.reason());
        assertTrue(admin.rollout("orders").isEmpty(), "withdrawn: no rollout open");
        assertEquals(base, admin.revision("orders"), "the center's content is untouched");
        admin.awaitConvergence("orders", base, WAIT);
        Await.until(WAIT, "the chosen instance reports no error once back", () ->
                admin.instances().stream().noneMatch(i -> i.errors().containsKey("orders")));
        assertTrue(seen[0].rejected.contains(r.revision()), "the chosen instance tried the candidate");
        assertFalse(seen[1].saw(r.revision()) || seen[2].saw(r.revision()),
                "no other instance built pools for the candidate: " + seen[1].applied + seen[1].rejected
                        + seen[2].applied + seen[2].rejected);
        assertEquals(base, b.appliedRevision("orders"));
        assertEquals(base, c.appliedRevision("orders"));
        RevisionRecord kept = admin.history("orders").get(0);
        assertEquals(r.revision(), kept.revision(), "the candidate is kept in the history");
        assertEquals(RevisionRecord.Outcome.WITHDRAWN, kept.outcome());
        assertEquals("move replica_1", kept.message());
    }

    @Test
    void chosenInstanceThatNeverAppliesIsWithdrawnAtTheTimeoutAndOneThatLeavesIsWithdrawnAtOnce() throws Exception {
        Governance a = start();
        GovernanceAdmin admin = admin();
        Repository raw = track(RawCenter.create(center().toBuilder().namespace(namespace).build()));
        // a registered instance that governs orders but never applies anything (its status is a copy of a's)
        String ghost = "ghost@1@abcdef";
        String status = raw.get(RawCenter.instanceStatus(a.instanceId())).orElseThrow().value();
        raw.put(RawCenter.instanceStatus(ghost), status);

        RolloutResult late = admin.rollout("orders", moved(), RolloutPlan.instances(ghost).timeout(Duration.ofMillis(500)));
        assertEquals(RolloutResult.Outcome.WITHDRAWN, late.outcome());
        assertEquals(ghost, late.instanceId());
        assertTrue(late.reason().contains("did not apply revision " + late.revision() + " within 500 ms"), late.reason());
        assertTrue(admin.rollout("orders").isEmpty());

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RolloutResult> waiting = pool.submit(() -> admin.rollout("orders", moved(), RolloutPlan.instances(ghost).timeout(WAIT)));
            Await.until(WAIT, "rollout open", () -> admin.rollout("orders").isPresent());
            raw.delete(RawCenter.instanceStatus(ghost));
            RolloutResult left = waiting.get(30, TimeUnit.SECONDS);
            assertEquals(RolloutResult.Outcome.WITHDRAWN, left.outcome());
            assertEquals(ghost, left.instanceId());
            assertTrue(left.reason().contains("left the registry"), left.reason());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(admin.rollout("orders").isEmpty());
        assertEquals(orders(), admin.database("orders"));
    }

    // --- a good rollout ---

    @Test
    void goodRolloutIsVerifiedOnTheChosenInstanceOnlyThenPromotedAndConverges() throws Exception {
        Revisions seenB = new Revisions();
        Governance a = start();
        Governance b = start(seenB);
        GovernanceAdmin admin = admin();
        String base = admin.revision("orders");
        DatabaseConfig next = moved();

        RolloutResult canary = admin.rollout("orders", next, held(RolloutPlan.instances(a.instanceId())).message("canary"));

        assertEquals(RolloutResult.Outcome.CANARY_VERIFIED, canary.outcome(), canary.toString());
        assertEquals(canary.revision(), a.appliedRevision("orders"), "the chosen instance runs the candidate");
        assertEquals(base, b.appliedRevision("orders"), "the other keeps the base revision");
        assertEquals(orders(), admin.database("orders"), "the database's nodes are unchanged until promoted");
        RolloutInfo info = admin.rollout("orders").orElseThrow();
        assertEquals(canary.rolloutId(), info.id());
        assertEquals(base, info.baseRevision());
        assertEquals(canary.revision(), info.revision());
        assertEquals("canary", info.message());
        assertEquals(List.of(new RolloutInfo.Chosen(a.instanceId(), RolloutInfo.State.APPLIED, "")), info.chosen());
        assertFalse(info.host().isEmpty() || info.user().isEmpty());
        assertEquals(canary.revision(), admin.history("orders").get(0).revision());
        assertEquals(RevisionRecord.Outcome.ROLLOUT, admin.history("orders").get(0).outcome());

        String promoted = admin.promote("orders");

        assertEquals(canary.revision(), promoted);
        assertEquals(RevisionRecord.Outcome.PROMOTED, admin.history("orders").get(0).outcome());
        Repository raw = track(RawCenter.create(center().toBuilder().namespace(namespace).build()));
        assertEquals(promoted, RawCenter.lastGoodRevision(raw.get(RawCenter.lastGood("orders")).orElseThrow().value()),
                "a promoted rollout is the database's last good revision");
        admin.awaitConvergence("orders", promoted, WAIT);
        assertEquals(next, admin.database("orders"));
        assertTrue(admin.rollout("orders").isEmpty());
        assertEquals(Set.of(replica0, replica2), readsServedBy(b.dataSource("orders"), 8));
        assertFalse(seenB.rejected.contains(promoted));
    }

    @Test
    void rolloutPromotesAutomaticallyByDefault() throws Exception {
        Governance a = start();
        start();
        GovernanceAdmin admin = admin();
        DatabaseConfig next = moved();

        RolloutResult r = admin.rollout("orders", next, RolloutPlan.instances(a.instanceId()).timeout(WAIT));

        assertEquals(RolloutResult.Outcome.PROMOTED, r.outcome(), r.toString());
        assertNull(r.instanceId());
        admin.awaitConvergence("orders", r.revision(), WAIT);
        assertEquals(next, admin.database("orders"));
        assertEquals(admin.revision("orders"), r.revision());
    }

    // --- conflicts ---

    @Test
    void twoAdminsRollingOutAtOnceExactlyOneGetsConflictNamingTheOther() throws Exception {
        Governance a = start();
        start();
        GovernanceAdmin[] admins = {admin(), admin()};
        DatabaseConfig next = moved();
        List<RolloutResult> results = new CopyOnWriteArrayList<>();
        List<GovernanceException> conflicts = new CopyOnWriteArrayList<>();

        Concurrently.run(2, Duration.ofSeconds(60), t -> {
            try {
                results.add(admins[t].rollout("orders", next.withRules(List.of(ReadwriteSplittingRule.of("primary",
                        t == 0 ? "replica_0" : "replica_1"))), held(RolloutPlan.instances(a.instanceId()))));
            } catch (GovernanceException e) {
                conflicts.add(e);
            }
        });

        assertEquals(1, results.size(), "one rollout: " + results + " " + conflicts);
        assertEquals(1, conflicts.size());
        assertEquals(ErrorCode.CONFLICT, conflicts.get(0).code(), conflicts.get(0).getMessage());
        assertTrue(conflicts.get(0).getMessage().contains("rollout " + results.get(0).rolloutId()), conflicts.get(0).getMessage());
        assertEquals(results.get(0).rolloutId(), admins[0].rollout("orders").orElseThrow().id());
    }

    @Test
    void everyDirectWriteDuringARolloutGetsConflictNamingItAndAfterAbortTheyWork() throws Exception {
        Governance a = start();
        GovernanceAdmin admin = admin();
        RolloutResult r = admin.rollout("orders", moved(), held(RolloutPlan.instances(a.instanceId())));
        String named = "rollout " + r.rolloutId();
        DataSourceConfig replica = H2Databases.dataSource(replica0);

        fails(ErrorCode.CONFLICT, () -> admin.addDataSource("orders", "replica_2", replica), named, "abortRollout");
        fails(ErrorCode.CONFLICT, () -> admin.replaceDataSource("orders", "replica_0", replica.with("maximumPoolSize", "3")), named);
        fails(ErrorCode.CONFLICT, () -> admin.updateRules("orders", rules -> List.of(ReadwriteSplittingRule.of("primary", "replica_0"))), named);
        fails(ErrorCode.CONFLICT, () -> admin.replaceRules("orders", orders().rules(), List.of(ReadwriteSplittingRule.of("primary", "replica_0"))), named);
        fails(ErrorCode.CONFLICT, () -> admin.replaceDatabase("orders", orders().withoutDataSource("replica_1")
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0")))), named);
        fails(ErrorCode.CONFLICT, () -> admin.setProps(new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "5s"))), named);
        fails(ErrorCode.CONFLICT, () -> admin.rollout("orders", orders(), RolloutPlan.any(1)), named);
        assertEquals(orders(), admin.database("orders"), "nothing written");

        admin.abortRollout("orders");

        assertTrue(admin.rollout("orders").isEmpty());
        admin.awaitConvergence("orders", admin.revision("orders"), WAIT);
        String rev = admin.replaceDataSource("orders", "replica_0", replica.with("maximumPoolSize", "3"));
        admin.awaitConvergence("orders", rev, WAIT);
    }

    // --- an admin that dies, instances that restart ---

    @Test
    void rolloutLeftOpenByADeadAdminIsSeenAndPromotedByAnother() throws Exception {
        Governance a = start();
        Governance b = start();
        DatabaseConfig next = moved();
        GovernanceAdmin first = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()));
        RolloutResult r = first.rollout("orders", next, held(RolloutPlan.instances(a.instanceId())).message("night change"));
        first.close();

        GovernanceAdmin second = admin();
        RolloutInfo info = second.rollout("orders").orElseThrow();
        assertEquals(r.rolloutId(), info.id());
        assertEquals("night change", info.message());
        assertEquals(List.of(a.instanceId()), info.chosen().stream().map(RolloutInfo.Chosen::instanceId).toList());
        String rev = second.promote("orders");
        second.awaitConvergence("orders", rev, WAIT);
        assertEquals(rev, b.appliedRevision("orders"));
        fails(ErrorCode.NOT_FOUND, () -> second.promote("orders"), "no open rollout");
    }

    @Test
    void rolloutLeftOpenByADeadAdminIsAbortedByAnotherAndTheChosenInstanceGoesBack() throws Exception {
        Governance a = start();
        start();
        GovernanceAdmin first = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()));
        String base = first.revision("orders");
        RolloutResult r = first.rollout("orders", moved(), held(RolloutPlan.instances(a.instanceId())));
        assertEquals(r.revision(), a.appliedRevision("orders"));
        first.close();

        GovernanceAdmin second = admin();
        second.abortRollout("orders");

        second.awaitConvergence("orders", base, WAIT);
        assertEquals(orders(), second.database("orders"));
        assertEquals(r.revision(), second.history("orders").get(0).revision());
        assertEquals(RevisionRecord.Outcome.WITHDRAWN, second.history("orders").get(0).outcome());
        fails(ErrorCode.NOT_FOUND, () -> second.abortRollout("orders"), "no open rollout");
    }

    @Test
    void anUnreadableRolloutNodeBlocksWritesUntilAnAdminAbortsIt() throws Exception {
        start();
        GovernanceAdmin admin = admin();
        String base = admin.revision("orders");
        Repository raw = track(RawCenter.create(center().toBuilder().namespace(namespace).build()));
        raw.put(RawCenter.rollout("orders"), "id: [not, a, rollout\n");

        fails(ErrorCode.INVALID_CONFIG, () -> admin.addDataSource("orders", "replica_2", H2Databases.dataSource(replica0)), "rollout");
        admin.abortRollout("orders");

        assertTrue(raw.get(RawCenter.rollout("orders")).isEmpty(), "the unreadable node is gone");
        fails(ErrorCode.NOT_FOUND, () -> admin.abortRollout("orders"), "no open rollout");
        String rev = admin.addDataSource("orders", "replica_2", H2Databases.dataSource(replica0));
        admin.awaitConvergence("orders", rev, WAIT);
        assertFalse(rev.equals(base));
    }

    @Test
    void adminClosedWhileItWaitsLeavesTheRolloutOpenAndAnotherAbortsIt() throws Exception {
        Governance a = start();
        Repository raw = track(RawCenter.create(center().toBuilder().namespace(namespace).build()));
        String ghost = "ghost@2@abcdef";
        raw.put(RawCenter.instanceStatus(ghost), raw.get(RawCenter.instanceStatus(a.instanceId())).orElseThrow().value());
        GovernanceAdmin first = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RolloutResult> waiting = pool.submit(() -> first.rollout("orders", moved(),
                    RolloutPlan.instances(ghost).timeout(WAIT).message("dies")));
            GovernanceAdmin second = admin();
            Await.until(WAIT, "rollout open", () -> second.rollout("orders").isPresent());

            first.close();
            assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS),
                    "the dead admin's call ends without an outcome");

            RolloutInfo info = second.rollout("orders").orElseThrow();
            assertEquals("dies", info.message());
            assertEquals(List.of(new RolloutInfo.Chosen(ghost, RolloutInfo.State.PENDING, a.appliedRevision("orders"))),
                    info.chosen());
            second.abortRollout("orders");
            assertTrue(second.rollout("orders").isEmpty());
            assertEquals(orders(), second.database("orders"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void instancesRestartedDuringARolloutRunWhatTheyShould() throws Exception {
        Governance canary = startLabelled(Map.of("ring", "canary"));
        Governance other = startLabelled(Map.of("ring", "main"));
        GovernanceAdmin admin = admin();
        String base = admin.revision("orders");
        RolloutResult r = admin.rollout("orders", moved(), held(RolloutPlan.label("ring", "canary")));
        assertEquals(RolloutResult.Outcome.CANARY_VERIFIED, r.outcome(), r.toString());

        other.close();
        Governance otherAgain = startLabelled(Map.of("ring", "main"));
        canary.close();
        Governance canaryAgain = startLabelled(Map.of("ring", "canary"));

        assertEquals(base, otherAgain.appliedRevision("orders"), "a restarted instance not chosen runs the base revision");
        assertEquals(r.revision(), canaryAgain.appliedRevision("orders"), "a restarted labelled instance runs the candidate");
        RolloutInfo info = admin.rollout("orders").orElseThrow();
        assertEquals(Set.of(new RolloutInfo.Chosen(canary.instanceId(), RolloutInfo.State.GONE, ""),
                new RolloutInfo.Chosen(canaryAgain.instanceId(), RolloutInfo.State.APPLIED, "")), Set.copyOf(info.chosen()),
                "the chosen id left, the new labelled instance runs the candidate");

        String rev = admin.promote("orders");
        admin.awaitConvergence("orders", rev, WAIT);
    }

    // --- selection ---

    @Test
    void labelChoosesTheLabelledInstancesAndAnyNChoosesN() throws Exception {
        Governance e1 = startLabelled(Map.of("zone", "eu"));
        Governance e2 = startLabelled(Map.of("zone", "eu"));
        Governance us = startLabelled(Map.of("zone", "us"));
        GovernanceAdmin admin = admin();
        String base = admin.revision("orders");

        RolloutResult byLabel = admin.rollout("orders", moved(), held(RolloutPlan.label("zone", "eu")));

        RolloutInfo info = admin.rollout("orders").orElseThrow();
        assertEquals(Set.of(e1.instanceId(), e2.instanceId()), ids(info));
        assertEquals("label zone=eu", info.selector());
        assertEquals(byLabel.revision(), e1.appliedRevision("orders"));
        assertEquals(byLabel.revision(), e2.appliedRevision("orders"));
        assertEquals(base, us.appliedRevision("orders"));
        admin.abortRollout("orders");
        admin.awaitConvergence("orders", base, WAIT);

        RolloutResult any = admin.rollout("orders", moved(), held(RolloutPlan.any(2)));

        Set<String> chosen = ids(admin.rollout("orders").orElseThrow());
        assertEquals(2, chosen.size());
        for (Governance g : List.of(e1, e2, us)) {
            assertEquals(chosen.contains(g.instanceId()) ? any.revision() : base, g.appliedRevision("orders"), g.instanceId());
        }
        admin.awaitConvergence("orders", admin.promote("orders"), WAIT);
    }

    private static Set<String> ids(RolloutInfo info) {
        return info.chosen().stream().map(RolloutInfo.Chosen::instanceId).collect(Collectors.toSet());
    }

    @Test
    void badPlansAndBadChangesAreRefusedNamingWhatIsWrongAndWriteNothing() throws Exception {
        startLabelled(Map.of("zone", "eu"));
        start();
        GovernanceAdmin admin = admin();
        DatabaseConfig next = moved();

        fails(ErrorCode.NOT_FOUND, () -> admin.rollout("orders", next, RolloutPlan.instances("nosuch@1@000000")), "'nosuch@1@000000'");
        fails(ErrorCode.NOT_FOUND, () -> admin.rollout("orders", next, RolloutPlan.label("zone", "mars")), "zone=mars");
        fails(ErrorCode.INVALID_ARGUMENT, () -> admin.rollout("orders", next, RolloutPlan.any(3)), "any 3", "only 2 instances");
        fails(ErrorCode.INVALID_ARGUMENT, () -> RolloutPlan.any(0), "any(0)");
        fails(ErrorCode.INVALID_ARGUMENT, () -> RolloutPlan.instances(), "at least one");
        fails(ErrorCode.INVALID_ARGUMENT, () -> RolloutPlan.any(1).timeout(Duration.ZERO), "timeout");
        fails(ErrorCode.NOT_FOUND, () -> admin.rollout("nosuchdb", next, RolloutPlan.any(1)), "nosuchdb");
        fails(ErrorCode.INVALID_CONFIG, () -> admin.rollout("orders",
                next.withDataSource("replica_0", H2Databases.dataSource(replica0).with("maximumPoolSise", "5")),
                RolloutPlan.any(1)), "'maximumPoolSise'");
        fails(ErrorCode.NOT_FOUND, () -> admin.promote("orders"), "no open rollout");
        fails(ErrorCode.NOT_FOUND, () -> admin.abortRollout("orders"), "no open rollout");

        assertTrue(admin.rollout("orders").isEmpty(), "no rollout written");
        assertEquals(orders(), admin.database("orders"));
    }
}
