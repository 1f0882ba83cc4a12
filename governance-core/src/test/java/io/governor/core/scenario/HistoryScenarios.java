package io.governor.core.scenario;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RevisionDiff;
import io.governor.core.RevisionRecord;
import io.governor.core.RevisionRecord.Outcome;
import io.governor.core.RolloutPlan;
import io.governor.core.RolloutResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22, history and rollback: every revision written (by an admin or a start-up) is kept with
 * its content, author and outcome, newest first and bounded; a diff names what changed and never a
 * secret; a rollback restores a kept revision exactly, compare-and-set against the current one. Run
 * once per backend by a subclass that says how to reach the center.
 */
@Timeout(120)
public abstract class HistoryScenarios extends ScenarioSupport {

    private GovernanceAdmin admin(int historyLimit) {
        GovernanceAdmin a = GovernanceAdmin.connect(config(BootstrapMode.CENTER, DatabaseConfig.empty()).toBuilder()
                .historyLimit(historyLimit).build());
        track(a);
        return a;
    }

    private GovernanceAdmin admin() {
        return admin(100);
    }

    private static List<String> revisions(List<RevisionRecord> history) {
        return history.stream().map(RevisionRecord::revision).toList();
    }

    private static List<String> reversed(List<String> list) {
        List<String> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private DatabaseConfig ordersWithPoolSize(int size) {
        return orders().withDataSource("replica_0", H2Databases.dataSource(replica0).with("maximumPoolSize", String.valueOf(size)));
    }

    private static GovernanceException fails(ErrorCode code, Runnable r) {
        GovernanceException e = assertThrows(GovernanceException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void theStartUpSeedAndEveryAdminWriteAreKeptWithAuthorAndOutcomeNewestFirst() {
        Governance g = start(orders());
        GovernanceAdmin admin = g.admin();
        List<String> written = new ArrayList<>();
        written.add(admin.revision("orders"));
        GovernanceAdmin ticket = admin.withMessage("TICKET-7 add a third replica");
        written.add(ticket.addDataSource("orders", "replica_2", H2Databases.dataSource(replica1)));
        written.add(admin.replaceDataSource("orders", "replica_2", H2Databases.dataSource(replica1).with("maximumPoolSize", "2")));
        written.add(admin.updateRules("orders", rules -> List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1", "replica_2"))));
        written.add(admin.replaceRules("orders", admin.database("orders").rules(), orders().rules()));
        written.add(admin.removeDataSource("orders", "replica_2"));

        List<RevisionRecord> history = admin.history("orders");
        assertEquals(reversed(written), revisions(history), "every write, newest first");
        assertEquals(written.get(0), written.get(written.size() - 1), "back to the seeded content");
        for (RevisionRecord r : history) {
            assertEquals(System.getProperty("user.name"), r.user(), r.toString());
            assertFalse(r.host().isBlank(), r.toString());
            assertEquals(Outcome.PUBLISHED, r.outcome(), r.toString());
        }
        for (int i = 1; i < history.size(); i++) {
            assertFalse(history.get(i).time().isAfter(history.get(i - 1).time()), "newest first: " + history);
        }
        assertTrue(history.get(history.size() - 1).message().contains("bootstrap=center"), history.toString());
        assertEquals("TICKET-7 add a third replica", history.get(history.size() - 2).message());
        assertNull(history.get(0).message(), "the admin itself has no message");
        assertFalse(history.toString().contains("jdbc:"), "no content in the records: " + history);
        admin.awaitConvergence("orders", written.get(written.size() - 1), WAIT);
    }

    @Test
    void aLocalStartUpKeepsItsOverwriteAndARestartThatChangesNothingKeepsNothing() {
        GovernanceAdmin admin = admin();
        String before = admin.replaceDatabase("orders", ordersWithPoolSize(2));
        start(BootstrapMode.LOCAL, orders()).close();
        String local = admin.revision("orders");
        start(BootstrapMode.LOCAL, orders()).close();

        List<RevisionRecord> history = admin.history("orders");
        assertEquals(List.of(local, before), revisions(history), "the restart changed nothing and kept nothing");
        assertTrue(history.get(0).message().contains("bootstrap=local"), history.toString());
        assertEquals(orders(), admin.content("orders", local));
        assertEquals(1, admin.historyOfProps().size(), "the props were written once");
    }

    @Test
    void historyIsBoundedToTheLimitOldestDroppedFirst() {
        GovernanceAdmin admin = admin(3);
        List<String> written = new ArrayList<>();
        for (int size = 1; size <= 5; size++) {
            written.add(admin.replaceDatabase("orders", ordersWithPoolSize(size)));
        }

        assertEquals(reversed(written.subList(2, 5)), revisions(admin.history("orders")));
        GovernanceException e = fails(ErrorCode.NOT_FOUND, () -> admin.content("orders", written.get(0)));
        assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains(written.get(0)), e.getMessage());
        assertEquals(ordersWithPoolSize(3), admin.content("orders", written.get(2)));
    }

    @Test
    void theContentOfEachKeptRevisionIsWhatWasWritten() {
        GovernanceAdmin admin = admin();
        Map<String, DatabaseConfig> written = new java.util.LinkedHashMap<>();
        written.put(admin.replaceDatabase("orders", orders()), orders());
        written.put(admin.replaceDatabase("orders", ordersWithPoolSize(7)), ordersWithPoolSize(7));
        DatabaseConfig two = orders().withoutDataSource("replica_1").withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0")));
        written.put(admin.replaceDatabase("orders", two), two);

        written.forEach((rev, content) -> assertEquals(content, admin.content("orders", rev), rev));
    }

    @Test
    void aDiffNamesAddedRemovedAndChangedDataSourcesWithTheirKeysAndNeverShowsAPassword() {
        GovernanceAdmin admin = admin();
        DataSourceConfig withPassword = H2Databases.dataSource(replica0).with("password", "pw-old-not-shown");
        String from = admin.replaceDatabase("orders", orders().withDataSource("replica_0", withPassword));
        DatabaseConfig next = orders().withoutDataSource("replica_1")
                .withDataSource("replica_0", withPassword.with("password", "pw-new-not-shown").with("maximumPoolSize", "9"))
                .withDataSource("replica_2", H2Databases.dataSource(replica1))
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_2")));
        String to = admin.replaceDatabase("orders", next);

        RevisionDiff diff = admin.diff("orders", from, to);
        assertEquals(List.of("replica_2"), diff.addedDataSources());
        assertEquals(List.of("replica_1"), diff.removedDataSources());
        assertEquals(Map.of("replica_0", List.of("maximumPoolSize", "password")), diff.changedDataSources());
        assertEquals(List.of(ReadwriteSplittingRule.TYPE), diff.changedRuleTypes());
        assertEquals(List.of(), diff.changedProps());
        String text = diff.toString();
        assertTrue(text.contains("+ data source replica_2") && text.contains("- data source replica_1")
                && text.contains("maximumPoolSize: 4 -> 9") && text.contains("password (secret, not shown)"), text);
        assertFalse(text.contains("pw-old-not-shown") || text.contains("pw-new-not-shown"), text);
        assertTrue(admin.diff("orders", to, to).isEmpty());
    }

    @Test
    void aRollbackRestoresTheOldContentExactlyAndInstancesRunIt() {
        Governance g = start(orders());
        GovernanceAdmin admin = g.admin();
        String seeded = admin.revision("orders");
        String changed = admin.replaceDatabase("orders", orders().withoutDataSource("replica_1")
                .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0"))));
        admin.awaitConvergence("orders", changed, WAIT);

        String back = admin.withMessage("replica_1 is needed").rollback("orders", seeded);

        assertEquals(seeded, back, "the same content digest as the revision rolled back to");
        assertEquals(orders(), admin.database("orders"));
        assertEquals(seeded, admin.revision("orders"));
        admin.awaitConvergence("orders", seeded, WAIT);
        assertEquals(java.util.Set.of(replica0, replica1), readsServedBy(g.dataSource("orders"), 40), "replica_1 serves again");
        List<RevisionRecord> history = admin.history("orders");
        assertEquals(List.of(seeded, changed, seeded), revisions(history));
        assertEquals("rollback to " + seeded + ": replica_1 is needed", history.get(0).message());
        assertEquals(List.of(Outcome.PUBLISHED, Outcome.ROLLED_BACK, Outcome.PUBLISHED),
                history.stream().map(RevisionRecord::outcome).toList());
    }

    @Test
    void aRollbackThatExpectsAnOlderCurrentRevisionFailsWithConflictAndWritesNothing() {
        GovernanceAdmin admin = admin();
        String first = admin.replaceDatabase("orders", ordersWithPoolSize(1));
        String seen = admin.replaceDatabase("orders", ordersWithPoolSize(2));
        String newer = admin.replaceDatabase("orders", ordersWithPoolSize(3)); // another admin's change, not seen

        GovernanceException e = fails(ErrorCode.CONFLICT, () -> admin.rollback("orders", first, seen));
        assertTrue(e.getMessage().contains(newer) && e.getMessage().contains(seen), e.getMessage());
        assertEquals(ordersWithPoolSize(3), admin.database("orders"));
        assertEquals(List.of(newer, seen, first), revisions(admin.history("orders")));
        assertEquals(Outcome.PUBLISHED, admin.history("orders").get(0).outcome());

        assertEquals(first, admin.rollback("orders", first, newer), "with the current revision it applies");
    }

    @Test
    void aRollbackWhileARolloutIsOpenFailsWithConflictNamingItAndWritesNothing() {
        Governance g = start(orders());
        GovernanceAdmin admin = g.admin();
        String seeded = admin.revision("orders");
        String changed = admin.replaceDatabase("orders", ordersWithPoolSize(2));
        admin.awaitConvergence("orders", changed, WAIT);
        RolloutResult canary = admin.rollout("orders", ordersWithPoolSize(3), RolloutPlan.any(1).promoteAutomatically(false).timeout(WAIT));
        assertEquals(RolloutResult.Outcome.CANARY_VERIFIED, canary.outcome(), canary.toString());

        GovernanceException e = fails(ErrorCode.CONFLICT, () -> admin.rollback("orders", seeded));
        assertTrue(e.getMessage().contains("rollout"), e.getMessage());
        assertEquals(ordersWithPoolSize(2), admin.database("orders"), "nothing written");

        admin.abortRollout("orders");
        assertEquals(seeded, admin.rollback("orders", seeded, changed));
        admin.awaitConvergence("orders", seeded, WAIT);
    }

    @Test
    void aRollbackToARevisionNotKeptIsNotFound() {
        GovernanceAdmin admin = admin();
        admin.replaceDatabase("orders", orders());
        GovernanceException e = fails(ErrorCode.NOT_FOUND, () -> admin.rollback("orders", "0123456789abcdef"));
        assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains("0123456789abcdef"), e.getMessage());
        assertEquals(orders(), admin.database("orders"));
    }

    @Test
    void everyPropsChangeIsKeptNewestFirst() {
        GovernanceAdmin admin = admin();
        admin.replaceDatabase("orders", orders());
        admin.setProps(new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "5s")));
        admin.withMessage("longer drain").setProps(new GovernanceProps(Map.of(GovernanceProps.DRAIN_TIMEOUT, "50s")));

        List<RevisionRecord> props = admin.historyOfProps();
        assertEquals(2, props.size(), props.toString());
        assertEquals("longer drain", props.get(0).message());
        assertFalse(props.get(0).revision().equals(props.get(1).revision()), props.toString());
        assertEquals(1, admin.history("orders").size(), "a props change keeps no database entry");
    }
}
