package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Operation;
import io.governor.core.RevisionRecord.Outcome;
import io.governor.core.jdbc.JdbcRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reading kept revisions back and publishing one again ({@link GovernanceAdmin#content},
 * {@link GovernanceAdmin#diff}, {@link GovernanceAdmin#rollback}).
 *
 * <p>A rollback is one transaction: a check of every node of the database as read (the rules, each
 * data source; absence for each data source the target adds, and of an open rollout), the puts and deletes that make
 * {@code /config} hold the kept content, the new history entry and the old current entry's outcome
 * {@link Outcome#ROLLED_BACK}. A change it did not see fails a check: nothing is written. Stateless;
 * blocks on the center.
 */
final class Rollback {

    /** What the config center must guarantee for a rollback: a transaction whose checks hold against other writers. */
    static final List<Capability> NEEDED = List.of(Capability.TRANSACTION, Capability.COMPARE_AND_SET);

    private Rollback() {
    }

    /**
     * The content of a database's revision: its newest kept entry, or what the center holds now if
     * that is the revision (a revision written before history was kept).
     *
     * @throws GovernanceException {@code NOT_FOUND} naming the database and revision
     */
    static StoredContent content(ConfigService config, String db, String revision) {
        Objects.requireNonNull(revision, "revision");
        History history = config.history();
        var kept = history.newest(History.scope(db), revision);
        if (kept.isPresent()) {
            return history.content(kept.get());
        }
        ConfigService.WithProps now = config.loadWithProps(db);
        if (now.snapshot().exists() && config.revision(now.snapshot().config(), now.props()).equals(revision)) {
            return new StoredContent(now.snapshot().config(), now.props());
        }
        throw new GovernanceException(ErrorCode.NOT_FOUND, "revision " + revision + " of database '" + db
                + "' is not kept in the history (it keeps the "
                + history.limit() + " newest revisions) and is not the current one");
    }

    /**
     * Publishes the kept content of {@code revision} as the database's configuration.
     *
     * @param expectedCurrent the revision the caller expects to replace, or null for "what is read now"
     * @return the content written and the props read with the current one; {@code null} database when the
     *         current content is already the target's (nothing written)
     * @throws GovernanceException {@code CAPABILITY_MISSING} without {@link Capability#TRANSACTION} and
     *         {@link Capability#COMPARE_AND_SET} (Apollo has no atomic checks, Nacos no transaction),
     *         {@code NOT_FOUND} for a revision not kept, {@code CONFLICT} when the current revision is not
     *         {@code expectedCurrent}, changed after it was read, or a rollout of the database is open (naming
     *         it; nothing written), {@code INVALID_CONFIG}
     *         when the kept content fails the checks of a write
     */
    static StoredContent run(ConfigService config, Rollouts rollouts, String db, String revision, String expectedCurrent,
                             String message) {
        String what = "rollback of database '" + db + "' to revision " + revision;
        List<Capability> missing = NEEDED.stream().filter(c -> !config.repository().capabilities().contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new GovernanceException(ErrorCode.CAPABILITY_MISSING, what + ": config center '" + config.repository().type()
                    + "' lacks " + missing + " (a rollback is one transaction whose checks are atomic against every other"
                    + " writer); history, content and diff work there: write the content back with replaceDatabase");
        }
        DatabaseConfig target = content(config, db, revision).database();
        ConfigService.WithProps read = config.requireWithProps(db);
        rollouts.requireNone(what, read);
        DatabaseSnapshot snap = read.snapshot();
        String current = config.revision(snap.config(), read.props());
        if (expectedCurrent != null && !expectedCurrent.equals(current)) {
            throw new GovernanceException(ErrorCode.CONFLICT, what + ": the current revision is " + current
                    + ", not the expected " + expectedCurrent + "; nothing written");
        }
        if (snap.config().equals(target)) {
            return new StoredContent(null, read.props());
        }
        config.validate(db, target);
        JdbcRuntime.checkAll(db, target);
        List<Operation> ops = guardedWrites(config, snap, target);
        History history = config.history();
        history.outcomePut(History.scope(db), current, Outcome.ROLLED_BACK).ifPresent(ops::add);
        String note = "rollback to " + revision + (message == null ? "" : ": " + message);
        if (!config.commit(ops, history.entry(db, target, read.props(), note, Outcome.PUBLISHED))) {
            throw rollouts.conflictAfter(db, what, "the configuration changed after it was read at revision " + current
                    + "; nothing written (read history(\"" + db + "\") and retry)");
        }
        return new StoredContent(target, read.props());
    }

    /** Checks of every node as read (absence for the data sources the target adds), then the writes. */
    private static List<Operation> guardedWrites(ConfigService config, DatabaseSnapshot snap, DatabaseConfig target) {
        String db = snap.database();
        YamlCodec codec = config.codec();
        Map<String, String> raw = snap.rawDataSources();
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.check(NodePaths.rules(db), snap.rawRules()));
        ops.add(Rollouts.guard(db));
        raw.forEach((n, text) -> ops.add(Operation.check(NodePaths.dataSource(db, n), text)));
        target.dataSources().keySet().stream().filter(n -> !raw.containsKey(n))
                .forEach(n -> ops.add(Operation.check(NodePaths.dataSource(db, n), null)));
        target.dataSources().forEach((n, c) -> {
            String text = codec.writeDataSource(c);
            if (!text.equals(raw.get(n))) {
                ops.add(Operation.put(NodePaths.dataSource(db, n), text));
            }
        });
        String rules = codec.writeRules(target.rules());
        if (!rules.equals(snap.rawRules())) {
            ops.add(Operation.put(NodePaths.rules(db), rules));
        }
        raw.keySet().stream().filter(n -> !target.dataSources().containsKey(n))
                .forEach(n -> ops.add(Operation.delete(NodePaths.dataSource(db, n))));
        return ops;
    }
}
