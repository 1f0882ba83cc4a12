package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The Java API operators and programs use to change a namespace's configuration and control its
 * instances. Get one from {@link Governance#admin()} (sharing the instance's connections) or
 * {@link #connect(GovernanceConfig)} (its own connections, for tools that are not governed
 * applications themselves).
 *
 * <p>Every write is validated as a whole before it is stored: an invalid change is rejected with
 * {@code INVALID_CONFIG} and nothing is written. Writes of a database's rules and data sources are
 * compare-and-set against what was read, so two admins updating at once never lose an update: one
 * wins, the other gets {@code CONFLICT} (or, with the {@code update...} methods, re-reads and
 * retries). Each write is guarded by the nodes its validity depends on: a rule write by the rules
 * node and the data sources the new rules name (so a concurrent removal of one of them is a
 * conflict, and a change to any other data source is not), a removal of a data source by it and
 * the rules node, an addition or replacement by that data source alone. Writes that span several
 * nodes are one transaction where the backend has one.
 *
 * <p>A change can also be published as a <b>rollout</b> ({@link #rollout(String, DatabaseConfig, RolloutPlan)}):
 * first to chosen instances, then promoted or withdrawn. While a database has an open rollout, every direct
 * write to it (the add/replace/remove/update methods below) fails with {@code CONFLICT} naming the rollout,
 * and so does {@link #setProps}; the check is part of the write's transaction.
 *
 * <p>Methods that change configuration return the <b>revision</b> of the database configuration
 * they wrote; pass it to {@link #awaitConvergence} to wait until every instance runs it. Control
 * methods ({@link #disableDataSource}, {@link #circuitBreak}, ...) return the {@link ControlChange}
 * they wrote; pass it to {@link #awaitControl} to wait until every instance it concerns applied it.
 *
 * <p>Data sources are checked as an instance checks them before it builds their pools, short of
 * connecting ({@link JdbcRuntime#check}): a misspelt pool property, a value of
 * the wrong type, a missing or non-JDBC URL is {@code INVALID_CONFIG} naming the database, data
 * source and key, and nothing is written. A URL that no JDBC driver of the admin's process claims
 * is written unchecked.
 *
 * <p><b>History.</b> Every write that changes a database's or the props' content keeps the revision
 * it leads to in the config center, with its content, time, author (host, user, the message of
 * {@link #withMessage}) and outcome: in the same transaction as the change where the center has
 * one, else right after it (a failure there is a WARN, the write has applied). The newest
 * {@code governance.historyLimit} revisions are kept per database and for the props (default 100).
 * Read them with {@link #history}, {@link #content} and {@link #diff}; publish one again with
 * {@link #rollback}. See docs/operations.md, "History and rollback".
 *
 * <p>Thread-safe. Every method blocks on the centers. Failures are {@link GovernanceException}s.
 */
public final class GovernanceAdmin implements AutoCloseable {

    /** How often {@link #updateRules} tries before it gives up with {@code CONFLICT}. */
    public static final int MAX_UPDATE_ATTEMPTS = 16;
    /** The longest wait between two attempts of {@link #updateRules}, in milliseconds. */
    public static final long MAX_UPDATE_BACKOFF_MS = 100;
    /** The longest message {@link #withMessage} takes, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 500;

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceAdmin.class);

    private final String namespace;
    private final ConfigService config;
    private final RegistryService registry;
    private final Instances instances;
    private final Rollouts rollouts;
    private final Runnable onClose;
    /** The message this admin's writes keep in the history ({@link #withMessage}), or null. */
    private final String message;

    GovernanceAdmin(String namespace, ConfigService config, RegistryService registry, Instances instances, Runnable onClose) {
        this(namespace, config, registry, instances, onClose, null);
    }

    private GovernanceAdmin(String namespace, ConfigService config, RegistryService registry, Instances instances,
                            Runnable onClose, String message) {
        this.message = message;
        this.namespace = namespace;
        this.config = config;
        this.registry = registry;
        this.instances = instances;
        this.rollouts = new Rollouts(namespace, config, instances);
        this.onClose = onClose;
    }

    /**
     * Connects to the centers of {@code governanceConfig} without registering an instance. Close it
     * when done.
     *
     * @throws GovernanceException {@code REPOSITORY_NOT_FOUND}, {@code CAPABILITY_MISSING}, {@code CONNECT_FAILED}
     */
    public static GovernanceAdmin connect(GovernanceConfig governanceConfig) {
        Centers centers = Centers.connect(governanceConfig, RuleCodecs.load());
        return new GovernanceAdmin(governanceConfig.namespace(), centers.config(), centers.registry(), centers.instances(), centers::close);
    }

    /** The databases that have configuration in the center. */
    public List<String> databases() {
        return config.databaseNames();
    }

    /** A database's configuration, or {@code NOT_FOUND}. */
    public DatabaseConfig database(String db) {
        return config.require(db).config();
    }

    /** The props in the center (empty when none are set). */
    public GovernanceProps props() {
        return config.loadProps().getKey();
    }

    /** The revision of what the center holds for a database now, or {@code NOT_FOUND}. */
    public String revision(String db) {
        return config.revision(config.require(db).config(), props());
    }

    /**
     * Adds a data source; creates the database if the center has none. {@code CONFLICT} if the data
     * source exists already; {@code INVALID_CONFIG} if it fails the check an instance runs before it
     * builds a pool (see the class comment), nothing written.
     */
    public String addDataSource(String db, String ds, DataSourceConfig dataSource) {
        Paths.requireSegment(ds, "data source name");
        ConfigService.WithProps read = config.loadWithProps(db);
        DatabaseSnapshot snap = read.snapshot();
        rollouts.requireNone("add data source '" + ds + "' to database '" + db + "'", read);
        if (snap.rawDataSources().containsKey(ds)) {
            throw conflict("add data source '" + ds + "' to database '" + db + "': it exists already");
        }
        DatabaseConfig next = snap.config().withDataSource(ds, dataSource);
        config.validate(db, next);
        JdbcRuntime.check(db, ds, dataSource);
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.check(NodePaths.dataSource(db, ds), null));
        ops.add(Rollouts.guard(db));
        ops.add(Operation.put(NodePaths.dataSource(db, ds), config.codec().writeDataSource(dataSource)));
        if (snap.rawRules() == null) {
            ops.add(Operation.check(NodePaths.rules(db), null));
            ops.add(Operation.put(NodePaths.rules(db), config.codec().writeRules(List.of())));
        }
        if (!write(ops, kept(db, next, read.props()))) {
            throw rollouts.conflictAfter(db, "add data source '" + ds + "' to database '" + db + "'", "changed concurrently");
        }
        return written("added data source " + db + "/" + ds, next, read.props());
    }

    /**
     * Replaces an existing data source's configuration. {@code NOT_FOUND} if it does not exist;
     * {@code INVALID_CONFIG} if the new one fails the check an instance runs before it builds a pool.
     */
    public String replaceDataSource(String db, String ds, DataSourceConfig dataSource) {
        ConfigService.WithProps read = config.requireWithProps(db);
        DatabaseSnapshot snap = read.snapshot();
        String raw = snap.rawDataSources().get(Paths.requireSegment(ds, "data source name"));
        if (raw == null) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "replace data source: '" + ds + "' does not exist in database '" + db + "'");
        }
        rollouts.requireNone("replace data source '" + ds + "' of database '" + db + "'", read);
        DatabaseConfig next = snap.config().withDataSource(ds, dataSource);
        config.validate(db, next);
        JdbcRuntime.check(db, ds, dataSource);
        List<Operation> ops = List.of(Operation.check(NodePaths.dataSource(db, ds), raw), Rollouts.guard(db),
                Operation.put(NodePaths.dataSource(db, ds), config.codec().writeDataSource(dataSource)));
        if (!write(ops, kept(db, next, read.props()))) {
            throw rollouts.conflictAfter(db, "replace data source '" + ds + "' of database '" + db + "'", "changed concurrently");
        }
        return written("replaced data source " + db + "/" + ds, next, read.props());
    }

    /**
     * Removes a data source. {@code INVALID_CONFIG} if a rule still names it, saying which rule and
     * what to change first; {@code NOT_FOUND} if it does not exist.
     */
    public String removeDataSource(String db, String ds) {
        ConfigService.WithProps read = config.requireWithProps(db);
        DatabaseSnapshot snap = read.snapshot();
        String raw = snap.rawDataSources().get(Paths.requireSegment(ds, "data source name"));
        if (raw == null) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "remove data source: '" + ds + "' does not exist in database '" + db + "'");
        }
        rollouts.requireNone("remove data source '" + ds + "' of database '" + db + "'", read);
        requireUnnamed(db, ds, snap.config());
        DatabaseConfig next = snap.config().withoutDataSource(ds);
        config.validate(db, next);
        List<Operation> ops = List.of(Operation.check(NodePaths.rules(db), snap.rawRules()),
                Operation.check(NodePaths.dataSource(db, ds), raw), Rollouts.guard(db), Operation.delete(NodePaths.dataSource(db, ds)));
        if (!write(ops, kept(db, next, read.props()))) {
            throw rollouts.conflictAfter(db, "remove data source '" + ds + "' of database '" + db + "'", "changed concurrently");
        }
        return written("removed data source " + db + "/" + ds, next, read.props());
    }

    /**
     * Replaces a database's rules if they still equal {@code expected}; {@code CONFLICT} otherwise.
     * Use {@link #updateRules} to re-read and retry instead.
     */
    public String replaceRules(String db, List<RuleConfig> expected, List<RuleConfig> rules) {
        ConfigService.WithProps read = config.requireWithProps(db);
        rollouts.requireNone("replace rules of database '" + db + "'", read);
        if (!read.snapshot().config().rules().equals(List.copyOf(expected))) {
            throw conflict("replace rules of database '" + db + "': the current rules differ from the expected ones");
        }
        return writeRules(read, rules).orElseThrow(() -> rollouts.conflictAfter(db, "replace rules of database '" + db + "'",
                "changed concurrently"));
    }

    /**
     * Reads the rules, applies {@code update} and writes the result with compare-and-set, retrying
     * up to {@link #MAX_UPDATE_ATTEMPTS} times when another writer got in between. {@code update}
     * may run several times and must have no side effects. Between attempts it waits a random time
     * that grows with each conflict (up to {@link #MAX_UPDATE_BACKOFF_MS} ms), so that writers that
     * keep colliding spread out instead of one of them losing every round.
     *
     * @throws GovernanceException {@code CONFLICT} when every attempt lost, {@code INTERRUPTED} when
     *                             the thread was interrupted while waiting between attempts
     */
    public String updateRules(String db, UnaryOperator<List<RuleConfig>> update) {
        for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
            ConfigService.WithProps read = config.requireWithProps(db);
            rollouts.requireNone("update rules of database '" + db + "'", read);
            List<RuleConfig> next = update.apply(read.snapshot().config().rules());
            var result = writeRules(read, next);
            if (result.isPresent()) {
                return result.get();
            }
            LOG.debug("[{}] update rules of {}: conflict on attempt {}", namespace, db, attempt);
            if (attempt < MAX_UPDATE_ATTEMPTS) {
                backOff(attempt, "update rules of database '" + db + "'");
            }
        }
        throw conflict("update rules of database '" + db + "': still conflicting after " + MAX_UPDATE_ATTEMPTS + " attempts");
    }

    /** Waits a random time of up to 2^attempt ms, at most {@link #MAX_UPDATE_BACKOFF_MS}. */
    private static void backOff(int attempt, String what) {
        long maxNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_UPDATE_BACKOFF_MS, 1L << Math.min(attempt, 20)));
        long deadline = System.nanoTime() + ThreadLocalRandom.current().nextLong(maxNanos + 1);
        for (;;) {
            if (Thread.currentThread().isInterrupted()) {
                throw new GovernanceException(ErrorCode.INTERRUPTED, what + ": interrupted while waiting to retry"
                        + " after a conflicting write");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(left);
        }
    }

    private java.util.Optional<String> writeRules(ConfigService.WithProps read, List<RuleConfig> rules) {
        DatabaseSnapshot snap = read.snapshot();
        String db = snap.database();
        DatabaseConfig next = snap.config().withRules(rules);
        // Guard what the new rules depend on, not every data source: on etcd a compare per data
        // source bounded a rule write to a database of about 125 (128 compares per transaction).
        Set<String> named = config.validate(db, next);
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.check(NodePaths.rules(db), snap.rawRules()));
        ops.add(Rollouts.guard(db));
        named.forEach(n -> ops.add(Operation.check(NodePaths.dataSource(db, n), snap.rawDataSources().get(n))));
        ops.add(Operation.put(NodePaths.rules(db), config.codec().writeRules(next.rules())));
        if (!write(ops, kept(db, next, read.props()))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(written("replaced rules of " + db, next, read.props()));
    }

    /**
     * Replaces a database's whole configuration (data sources and rules) in one write; data
     * sources not in {@code database} are removed. Not compare-and-set: the last writer wins.
     * {@code INVALID_CONFIG} if a data source fails the check an instance runs before it builds a
     * pool, nothing written.
     */
    public String replaceDatabase(String db, DatabaseConfig database) {
        GovernanceProps before = props();
        if (!config.overwrite(db, database, null, List.of(Rollouts.guard(db)), kept(db, database, before))) {
            throw rollouts.conflictAfter(db, "replace database '" + db + "'", "changed concurrently");
        }
        return written("replaced database " + db, database, before);
    }

    /** Replaces the props; they apply to every database. Returns each database's new revision. */
    public Map<String, String> setProps(GovernanceProps props) {
        var current = config.loadProps();
        History.Entry entry = config.history().propsEntry(props, message, RevisionRecord.Outcome.PUBLISHED);
        if (!rollouts.writeProps(props, current.getValue(), entry)) {
            throw conflict("set props: changed concurrently");
        }
        LOG.info("[{}] admin set props {}", namespace, props.values());
        Map<String, String> out = new LinkedHashMap<>();
        for (String db : config.databaseNames()) {
            out.put(db, config.revision(config.load(db).config(), props));
        }
        return out;
    }

    /**
     * Disables a data source on every instance: replicas stop getting new connections.
     * {@code INVALID_CONFIG} for the primary of a read/write splitting rule (writes would still go to
     * it): fail over first. Safe to repeat.
     *
     * @return the change, for {@link #awaitControl} (every instance governing the database skips it)
     */
    public ControlChange disableDataSource(String db, String ds) {
        DatabaseConfig current = requireDataSource(db, ds);
        ReadwriteSplittingRule rw = current.rule(ReadwriteSplittingRule.class);
        if (rw != null && rw.primary().equals(ds)) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "disable data source '" + ds + "' of database '" + db
                    + "': it is the primary of rule !" + ReadwriteSplittingRule.TYPE + " and would keep taking writes;"
                    + " fail over first: make another data source the primary with updateRules(\"" + db
                    + "\", rules -> ... rule.withPrimary(\"<replica>\") ...), then disable '" + ds + "'");
        }
        registry.setDataSourceDisabled(db, ds, true);
        LOG.info("[{}] admin disabled data source {}/{}", namespace, db, ds);
        return ControlChange.dataSource(db, ds, true);
    }

    /**
     * Enables a data source that was disabled. Safe to repeat.
     *
     * @return the change, for {@link #awaitControl}
     */
    public ControlChange enableDataSource(String db, String ds) {
        requireDataSource(db, ds);
        registry.setDataSourceDisabled(db, ds, false);
        LOG.info("[{}] admin enabled data source {}/{}", namespace, db, ds);
        return ControlChange.dataSource(db, ds, false);
    }

    /**
     * Circuit-breaks an instance: its governed data sources refuse new connections. {@code NOT_FOUND}
     * if not registered. Safe to repeat.
     *
     * @return the change, for {@link #awaitControl}
     */
    public ControlChange circuitBreak(String instanceId) {
        requireInstance(instanceId);
        instances.setInstanceControl(instanceId, InstanceState.CIRCUIT_BREAKER);
        LOG.info("[{}] admin circuit-broke instance {}", namespace, instanceId);
        return ControlChange.instance(instanceId, InstanceState.CIRCUIT_BREAKER);
    }

    /**
     * Restores a circuit-broken instance. {@code NOT_FOUND} if not registered. Safe to repeat.
     *
     * @return the change, for {@link #awaitControl}
     */
    public ControlChange restore(String instanceId) {
        requireInstance(instanceId);
        instances.setInstanceControl(instanceId, InstanceState.ONLINE);
        LOG.info("[{}] admin restored instance {}", namespace, instanceId);
        return ControlChange.instance(instanceId, InstanceState.ONLINE);
    }

    /**
     * Waits until every instance a control change concerns reports in its status that it applied
     * it: for a data source, every registered instance that governs its database shows it in (or,
     * enabled, not in) {@link InstanceInfo#disabledDataSources}; for an instance, that instance's
     * {@link InstanceInfo#state} is the state set. An instance reports only after the change is in
     * force. A later opposite change (enable after disable) makes the earlier one never apply: the
     * wait then times out. Blocks up to {@code timeout}; safe to repeat.
     *
     * @return the instances the change concerns, all applying it
     * @throws GovernanceException {@code TIMEOUT} naming every laggard and the state it runs (an
     *         instance change whose instance is not registered names it as missing),
     *         {@code INTERRUPTED}
     */
    public List<InstanceInfo> awaitControl(ControlChange change, Duration timeout) {
        return StatusWait.await(instances, "await control change (" + change + ")", timeout, all -> {
            List<InstanceInfo> concerned = all.stream().filter(change::concerns).toList();
            if (change.instanceId() != null && concerned.isEmpty()) {
                return new StatusWait.Progress(concerned, List.of(change.instanceId() + " is not registered"), 1);
            }
            List<String> laggards = concerned.stream().filter(i -> !change.appliedBy(i))
                    .map(i -> i.id() + " runs " + change.appliedState(i)).toList();
            return new StatusWait.Progress(concerned, laggards, concerned.size());
        });
    }

    /** Every registered instance with its state and applied revisions, sorted by id. */
    public List<InstanceInfo> instances() {
        return instances.instances();
    }

    /**
     * Waits until every registered instance has applied {@code revision} for {@code db}. Then, if
     * {@code revision} is still the database's current revision, records it as the database's last
     * good revision (see {@link LastGood}; a failure to record is logged as a WARN, not thrown).
     *
     * @return the instances, all at the revision
     * @throws GovernanceException {@code TIMEOUT} naming every laggard with the revision it runs
     *         (and its last error, if it rejected the change; an instance that started on the last
     *         good revision because it could not start on the current one is named as a fallback)
     */
    public List<InstanceInfo> awaitConvergence(String db, String revision, Duration timeout) {
        List<InstanceInfo> converged = StatusWait.await(instances, "await convergence of database '" + db
                + "' to revision " + revision, timeout, all -> {
            List<String> laggards = new ArrayList<>();
            for (InstanceInfo i : all) {
                if (!revision.equals(i.appliedRevisions().get(db))) {
                    laggards.add(StatusWait.lag(i, db));
                }
            }
            return new StatusWait.Progress(all, laggards, all.size());
        });
        if (converged.stream().anyMatch(i -> i.governs(db))) {
            new LastGood(config, namespace).record(db, revision);
        }
        return converged;
    }

    /**
     * A view of this admin whose writes keep {@code message} in the history with the revision they
     * write (for instance a ticket or the reason for a change). It shares this admin's connections:
     * closing it does nothing. Does not block.
     *
     * @throws GovernanceException {@code INVALID_ARGUMENT} for a blank message or one longer than
     *                             {@link #MAX_MESSAGE_LENGTH} characters
     */
    public GovernanceAdmin withMessage(String message) {
        if (message == null || message.isBlank() || message.length() > MAX_MESSAGE_LENGTH) {
            throw new GovernanceException(ErrorCode.INVALID_ARGUMENT, "admin message: must be 1 to " + MAX_MESSAGE_LENGTH
                    + " characters, not blank; got " + (message == null ? "null" : message.length() + " characters"));
        }
        return new GovernanceAdmin(namespace, config, registry, instances, () -> { }, message);
    }

    /**
     * The kept revisions of a database, newest first (at most {@code governance.historyLimit}). An
     * entry that does not decode is left out with a WARN. Empty for a database with no history.
     */
    public List<RevisionRecord> history(String db) {
        return config.history().read(History.scope(db)).stream().map(History.Kept::record).toList();
    }

    /** The kept revisions of the props, newest first; each revision is the digest of the props alone. */
    public List<RevisionRecord> historyOfProps() {
        return config.history().read(NodePaths.HISTORY_PROPS).stream().map(History.Kept::record).toList();
    }

    /**
     * The database configuration a revision had: its newest kept entry, or the center's current
     * configuration if that is the revision.
     *
     * @throws GovernanceException {@code NOT_FOUND} naming the database and revision when neither
     */
    public DatabaseConfig content(String db, String revision) {
        return Rollback.content(config, db, revision).database();
    }

    /**
     * What changed from one revision of a database to another (either may be the current one).
     * Secrets never appear in it (see {@link RevisionDiff}).
     *
     * @throws GovernanceException {@code NOT_FOUND} naming the revision that is neither kept nor current
     */
    public RevisionDiff diff(String db, String fromRevision, String toRevision) {
        StoredContent a = Rollback.content(config, db, fromRevision);
        StoredContent b = Rollback.content(config, db, toRevision);
        return RevisionDiff.between(db, fromRevision, a.database(), a.props(), toRevision, b.database(), b.props());
    }

    /**
     * Publishes the kept content of a revision (data sources and rules; the props stay as they are)
     * as the database's configuration, compare-and-set against the configuration read: one
     * transaction that checks every node as read, so a change the rollback did not see makes it fail
     * and nothing is written. The entry that was current gets the outcome
     * {@link RevisionRecord.Outcome#ROLLED_BACK}; the new one the message {@code rollback to <revision>}
     * (and this admin's message). The content is checked as a write's is. When the center already
     * holds that content, nothing is written. Not blindly retryable after {@code OUTCOME_UNKNOWN}: read
     * {@link #revision} first.
     *
     * @return the revision written: {@code revision} itself unless the props changed since
     * @throws GovernanceException {@code CAPABILITY_MISSING} on a config center without
     *         {@code TRANSACTION} and {@code COMPARE_AND_SET} (Apollo, Nacos), {@code NOT_FOUND} for a revision not kept,
     *         {@code CONFLICT} when the configuration changed after it was read or a rollout of the
     *         database is open (naming it; nothing written),
     *         {@code INVALID_CONFIG} when the kept content fails the checks of a write
     */
    public String rollback(String db, String revision) {
        return rollback(db, revision, null);
    }

    /**
     * As {@link #rollback(String, String)}, but only if the database's current revision is
     * {@code expectedCurrentRevision} (for instance the one a {@link #diff} was read against);
     * {@code CONFLICT} naming both otherwise, nothing written. A null expectation checks nothing.
     */
    public String rollback(String db, String revision, String expectedCurrentRevision) {
        StoredContent written = Rollback.run(config, rollouts, db, revision, expectedCurrentRevision, message);
        if (written.database() == null) {
            LOG.info("[{}] admin rollback of {} to {}: the center holds that content already; nothing written", namespace, db, revision);
            return revision(db);
        }
        return written("rolled back " + db + " to " + revision, written.database(), written.props());
    }

    // ---------------------------------------------------------------- rollouts

    /**
     * Publishes a database change as a <b>rollout</b>: it goes first to the instances {@code plan} chooses, the
     * others keep their revision and never build a pool for it. {@code next} is checked as a direct write is
     * (see the class comment), then the rollout node is written in one transaction that the database has no
     * open rollout and that its nodes and the props are still as read. The call then waits until every chosen
     * instance runs the candidate revision (its pools built and connected where it runs), one rejected it, one
     * left the registry, or {@link RolloutPlan#timeout} passed:
     * <ul>
     * <li>all applied: promoted to every instance ({@link RolloutResult.Outcome#PROMOTED}, with the revision
     * to pass to {@link #awaitConvergence}), or, with {@link RolloutPlan#promoteAutomatically} false, left
     * open ({@link RolloutResult.Outcome#CANARY_VERIFIED}) for {@link #promote} or {@link #abortRollout};</li>
     * <li>otherwise withdrawn ({@link RolloutResult.Outcome#WITHDRAWN}, naming the instance and its reason):
     * the rollout node is deleted and the chosen instances go back to the revision they ran.</li>
     * </ul>
     * While the rollout is open every direct write to the database, {@link #setProps} and a second rollout
     * fail with {@code CONFLICT} naming it. The state is all in the center: if this admin dies, any other sees
     * the rollout ({@link #rollout(String)}) and promotes or aborts it.
     *
     * <p>Blocks up to the plan's timeout (plus the writes). Not safe to repeat blindly: a repeat after a
     * result gets a new rollout, a repeat while one is open gets {@code CONFLICT}.
     *
     * @throws GovernanceException {@code CAPABILITY_MISSING} when the config center has no transactions with atomic checks (Apollo,
     *         Nacos); {@code NOT_FOUND} for an unknown database, an unregistered instance id or a label no
     *         governing instance carries; {@code INVALID_ARGUMENT} for an instance that does not govern the
     *         database or more instances than govern it; {@code INVALID_CONFIG} for a change that fails the
     *         checks (nothing written); {@code CONFLICT} naming the open rollout, or when the database changed
     *         while the rollout was being written
     */
    public RolloutResult rollout(String db, DatabaseConfig next, RolloutPlan plan) {
        // a plan without a message takes this admin's (withMessage)
        return rollouts.start(db, next, plan != null && plan.message().isEmpty() && message != null ? plan.message(message) : plan);
    }

    /**
     * The open rollout of a database, with each chosen instance's state now; empty when none is open. Reads
     * the centers; safe to repeat.
     */
    public java.util.Optional<RolloutInfo> rollout(String db) {
        return rollouts.info(db);
    }

    /**
     * Promotes a database's open rollout, whoever started it: one transaction that the rollout node is as read
     * writes the candidate into the database's nodes and deletes the rollout node. Every instance then
     * converges to the returned revision ({@link #awaitConvergence}).
     *
     * @throws GovernanceException {@code NOT_FOUND} when no rollout is open; {@code CONFLICT} when another
     *         admin promoted or aborted it first; {@code CAPABILITY_MISSING} as for {@link #rollout(String, DatabaseConfig, RolloutPlan)}
     */
    public String promote(String db) {
        return rollouts.promote(db);
    }

    /**
     * Withdraws a database's open rollout, whoever started it: deletes the rollout node if it is as read; the
     * chosen instances go back to the database's current revision.
     *
     * @throws GovernanceException {@code NOT_FOUND} when no rollout is open; {@code CONFLICT} when another
     *         admin promoted or aborted it first; {@code CAPABILITY_MISSING} as for {@link #rollout(String, DatabaseConfig, RolloutPlan)}
     */
    public void abortRollout(String db) {
        rollouts.abort(db);
    }

    ConfigService configService() {
        return config;
    }

    RegistryService registryService() {
        return registry;
    }

    /** Releases the connections of an admin from {@link #connect}; a no-op for {@link Governance#admin()}. */
    @Override
    public void close() {
        onClose.run();
    }

    private boolean write(List<Operation> ops) {
        return config.commit(ops);
    }

    /** Commits a write with the history entry of what it leads to (see {@link ConfigService#commit(List, History.Entry)}). */
    private boolean write(List<Operation> ops, History.Entry entry) {
        return config.commit(ops, entry);
    }

    /** The history entry of a direct write of {@code next}, with this admin's message. */
    private History.Entry kept(String db, DatabaseConfig next, GovernanceProps props) {
        return config.history().entry(db, next, props, message, RevisionRecord.Outcome.PUBLISHED);
    }

    /**
     * The revision a write that has applied leads to, from the props read now. If that read fails,
     * the write has still applied, so it is not reported as failed (an error would say nothing was
     * written): the revision is taken from the props read before the write, with a WARN.
     */
    private String written(String what, DatabaseConfig next, GovernanceProps propsBefore) {
        GovernanceProps now;
        try {
            now = props();
        } catch (GovernanceException e) {
            LOG.warn("[{}] admin {}: applied, but re-reading the props failed ({}); revision from the props read before the write",
                    namespace, what, e.getMessage());
            now = propsBefore;
        }
        String rev = config.revision(next, now);
        LOG.info("[{}] admin {} -> revision {}", namespace, what, rev);
        return rev;
    }

    private DatabaseConfig requireDataSource(String db, String ds) {
        DatabaseConfig current = config.require(db).config();
        if (!current.dataSources().containsKey(ds)) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "data source '" + ds + "' does not exist in database '" + db
                    + "'; data sources: " + new TreeSet<>(current.dataSources().keySet()));
        }
        return current;
    }

    /** INVALID_CONFIG naming the first rule that still names {@code ds}, and what to change first. */
    private void requireUnnamed(String db, String ds, DatabaseConfig current) {
        Set<String> without = new TreeSet<>(current.dataSources().keySet());
        without.remove(ds);
        for (RuleConfig r : current.rules()) {
            String how;
            if (r instanceof ReadwriteSplittingRule rw && rw.primary().equals(ds)) {
                how = "as its primary; first make another data source the primary (updateRules with rule.withPrimary(...))";
            } else if (r instanceof ReadwriteSplittingRule rw && rw.replicas().contains(ds)) {
                how = "as a replica; first remove it from the replicas (updateRules)";
            } else {
                try {
                    config.codec().ruleCodecs().validate(List.of(r), without);
                    continue;
                } catch (GovernanceException e) {
                    how = "(" + e.getMessage() + "); first change that rule (updateRules) so that it no longer names it";
                }
            }
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "remove data source '" + ds + "' of database '" + db
                    + "': rule !" + r.type() + " still names it " + how + ", then remove it");
        }
    }

    private void requireInstance(String id) {
        if (instances.instance(id).isEmpty()) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "instance '" + id + "' is not registered in namespace '" + namespace + "'");
        }
    }

    private static GovernanceException conflict(String message) {
        return new GovernanceException(ErrorCode.CONFLICT, message);
    }

}
