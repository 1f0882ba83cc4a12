package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.LocalReads;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * Typed configuration on top of the config center: load, persist and watch databases (data
 * sources + rules) and props, in the node layout of {@link NodePaths}.
 *
 * <p>Thread-safe. Every call blocks on the repository. Reads decode and validate the whole
 * database; an invalid node fails the read with {@code INVALID_CONFIG} naming the node key and line.
 * A node whose text is the same as at the last read is not parsed again (its decoded value is kept).
 * Writes that span several nodes are one transaction where the repository has
 * {@link Capability#TRANSACTION}; elsewhere they are ordered so that each intermediate state is
 * either valid or detected as incomplete by readers.
 */
final class ConfigService {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigService.class);
    private static final int MAX_DECODED = 10_000;

    private final Repository repo;
    private final YamlCodec codec;
    private final String namespace;
    private final AtomicBoolean casWarned = new AtomicBoolean();
    /** The last decoded value of each config node, by key (see {@link #decode}). */
    private final Map<String, Decoded> decoded = new ConcurrentHashMap<>();
    private final History history;

    ConfigService(Repository repo, YamlCodec codec, String namespace) {
        this(repo, codec, namespace, io.governor.api.config.GovernanceConfig.DEFAULT_HISTORY_LIMIT);
    }

    /** @param historyLimit how many revisions {@link #history()} keeps per database and for the props */
    ConfigService(Repository repo, YamlCodec codec, String namespace, int historyLimit) {
        this.repo = repo;
        this.codec = codec;
        this.namespace = namespace;
        this.history = new History(repo, codec, namespace, historyLimit);
    }

    /** The kept revisions in this center. */
    History history() {
        return history;
    }

    Repository repository() {
        return repo;
    }

    YamlCodec codec() {
        return codec;
    }

    /** The databases the center has configuration for, sorted. */
    List<String> databaseNames() {
        return repo.children(NodePaths.DATABASES);
    }

    /**
     * Reads and validates a database. A database the center knows nothing of gives an empty config
     * and {@link DatabaseSnapshot#exists()} false. One {@link BulkReads#readAll} of the data source
     * nodes and the rules node.
     */
    DatabaseSnapshot load(String db) {
        Paths.requireSegment(db, "database name");
        return snapshot(db, BulkReads.of(repo).readAll(List.of(NodePaths.rules(db)), List.of(NodePaths.dataSources(db))));
    }

    /**
     * Reads and validates a database, the props and the database's open rollout together, in one
     * {@link BulkReads#readAll}: what an instance re-reads after every change. Decodes and fails
     * exactly as {@link #load} then {@link #loadProps} would (and a rollout node as any other node).
     *
     * <p>Reads the center ({@code readAll}); {@link #loadWithProps(String, Watch)} reads through a
     * watch instead.
     */
    WithProps loadWithProps(String db) {
        return loadWithProps(db, null, false);
    }

    /**
     * As {@link #loadWithProps(String)}, but the nodes come from {@code readThrough}'s
     * {@link LocalReads#readLocally} where the repository answers it (etcd: the watch's own copy of
     * {@code /config}, one snapshot no older than the last event delivered, without a request), and
     * from {@code readAll} where it does not. A re-read after an event needs nothing newer than that
     * event: a later change brings its own event and its own re-read. A read that must be at least
     * as new as a given write uses {@link #loadWithProps(String)}.
     *
     * @param readThrough a watch of {@code /config} (from {@link #watch}), or {@code null}: read the center
     */
    WithProps loadWithProps(String db, Watch readThrough) {
        return loadWithProps(db, readThrough, false);
    }

    /**
     * As {@link #loadWithProps}, but a database the center knows nothing of fails as
     * {@link #require} does (before the props are decoded, as {@code require} then {@code loadProps}).
     */
    WithProps requireWithProps(String db) {
        return loadWithProps(db, null, true);
    }

    private WithProps loadWithProps(String db, Watch w, boolean require) {
        Paths.requireSegment(db, "database name");
        String rolloutKey = NodePaths.rollout(db);
        List<String> keys = List.of(NodePaths.rules(db), NodePaths.PROPS, rolloutKey);
        List<String> parents = List.of(NodePaths.dataSources(db));
        BulkReads reads = BulkReads.of(repo);
        SortedMap<String, VersionedValue> nodes = w == null ? reads.readAll(keys, parents)
                : LocalReads.read(w, keys, parents).orElseGet(() -> reads.readAll(keys, parents));
        DatabaseSnapshot snapshot = snapshot(db, nodes);
        if (require) {
            requireExists(snapshot);
        }
        VersionedValue props = nodes.get(NodePaths.PROPS);
        VersionedValue rollout = nodes.get(rolloutKey);
        return new WithProps(snapshot, props == null ? GovernanceProps.empty()
                : decode(NodePaths.PROPS, props.value(), codec::readProps),
                rollout == null ? null : decode(rolloutKey, rollout.value(), (text, src) -> Rollout.read(codec, text, src)));
    }

    /**
     * A database's configuration, the namespace's props and the database's open rollout, read together.
     *
     * @param rollout the open rollout of the database, or null when none
     */
    record WithProps(DatabaseSnapshot snapshot, GovernanceProps props, Rollout rollout) {
    }

    /** Decodes and validates a database from the nodes {@code readAll} found. */
    private DatabaseSnapshot snapshot(String db, SortedMap<String, VersionedValue> nodes) {
        String dataSourcesKey = NodePaths.dataSources(db);
        Map<String, DataSourceConfig> ds = new TreeMap<>();
        Map<String, String> raw = new TreeMap<>();
        // the data source nodes: the keys below dataSourcesKey + "/" (readAll gives direct children only)
        SortedMap<String, VersionedValue> dataSources = nodes.subMap(dataSourcesKey + "/", dataSourcesKey + "0");
        for (Map.Entry<String, VersionedValue> e : dataSources.entrySet()) {
            String name = Paths.name(e.getKey());
            String text = e.getValue().value();
            raw.put(name, text);
            ds.put(name, decode(e.getKey(), text, codec::readDataSource));
        }
        String rulesKey = NodePaths.rules(db);
        VersionedValue rulesNode = nodes.get(rulesKey);
        String rawRules = rulesNode == null ? null : rulesNode.value();
        List<RuleConfig> rules = rawRules == null ? List.of()
                : decode(rulesKey, rawRules, (text, src) -> List.copyOf(codec.readRules(text, src)));
        try {
            codec.ruleCodecs().validate(rules, ds.keySet());
        } catch (GovernanceException e) {
            throw new GovernanceException(e.code(), source(rulesKey) + ": " + e.getMessage(), e);
        }
        return new DatabaseSnapshot(db, new DatabaseConfig(ds, rules), raw, rawRules);
    }

    /** The props and the raw text of their node (null if absent). */
    Map.Entry<GovernanceProps, String> loadProps() {
        Optional<VersionedValue> v = repo.get(NodePaths.PROPS);
        if (v.isEmpty()) {
            return Map.entry(GovernanceProps.empty(), "");
        }
        return Map.entry(decode(NodePaths.PROPS, v.get().value(), codec::readProps), v.get().value());
    }

    /**
     * Decodes a node's text, or returns what the same text of the same node decoded to last time:
     * decoding is a pure function of the text, and on a change usually one node of a database
     * changes, so the others are not parsed again. Failures are not remembered.
     */
    @SuppressWarnings("unchecked")
    private <T> T decode(String key, String text, BiFunction<String, String, T> decoder) {
        Decoded last = decoded.get(key);
        if (last != null && last.text().equals(text)) {
            return (T) last.value();
        }
        T value = decoder.apply(text, source(key));
        if (decoded.size() >= MAX_DECODED) {
            decoded.clear(); // keys of removed nodes pile up only this far
        }
        decoded.put(key, new Decoded(text, value));
        return value;
    }

    /** The text a node held and what it decoded to (an immutable value). */
    private record Decoded(String text, Object value) {
    }

    /** The revision of a database configuration with props. */
    String revision(DatabaseConfig db, GovernanceProps props) {
        return Revisions.of(codec, db, props);
    }

    /**
     * Replaces the center's configuration of a database with {@code config} (data sources not in it
     * are deleted). If {@code expected} is given, only if the center still holds exactly that
     * snapshot's nodes. Checks the rules and every data source first ({@link JdbcRuntime#check}).
     *
     * @return false if {@code expected} no longer matches (nothing written)
     */
    boolean overwrite(String db, DatabaseConfig config, DatabaseSnapshot expected) {
        return overwrite(db, config, expected, List.of(), null);
    }

    /**
     * As {@link #overwrite(String, DatabaseConfig, DatabaseSnapshot)}, with {@code guards} (checks) in the same
     * commit, keeping {@code entry} (if any) as {@link #commit(List, History.Entry)} does.
     */
    boolean overwrite(String db, DatabaseConfig config, DatabaseSnapshot expected, List<Operation> guards, History.Entry entry) {
        validate(db, config);
        JdbcRuntime.checkAll(db, config);
        List<Operation> ops = new ArrayList<>(guards);
        if (expected != null) {
            ops.add(Operation.check(NodePaths.rules(db), expected.rawRules()));
            expected.rawDataSources().forEach((n, raw) -> ops.add(Operation.check(NodePaths.dataSource(db, n), raw)));
        }
        Set<String> stale = new LinkedHashSet<>(repo.children(NodePaths.dataSources(db)));
        stale.removeAll(config.dataSources().keySet());
        // Order for backends without transactions: new data sources, then rules, then deletions.
        config.dataSources().forEach((n, c) -> ops.add(Operation.put(NodePaths.dataSource(db, n), codec.writeDataSource(c))));
        ops.add(Operation.put(NodePaths.rules(db), codec.writeRules(config.rules())));
        stale.forEach(n -> ops.add(Operation.delete(NodePaths.dataSource(db, n))));
        return commit(ops, entry);
    }

    /**
     * Writes {@code config} only if the center has no configuration for the database yet: one
     * compare-and-set (a transaction that the rules node and every data source node are absent), so
     * of instances seeding at once exactly one writes. Checks the rules and every data source first.
     *
     * @return true if written, false if the center already had one
     */
    boolean seed(String db, DatabaseConfig config) {
        return seed(db, config, null);
    }

    /** {@link #seed(String, DatabaseConfig)} that keeps {@code entry} (if seeded) as {@link #commit(List, History.Entry)} does. */
    boolean seed(String db, DatabaseConfig config, History.Entry entry) {
        validate(db, config);
        JdbcRuntime.checkAll(db, config);
        String rulesKey = NodePaths.rules(db);
        if (repo.capabilities().contains(Capability.TRANSACTION)) {
            if (!repo.children(NodePaths.dataSources(db)).isEmpty()) {
                return false;
            }
            List<Operation> ops = new ArrayList<>();
            ops.add(Operation.check(rulesKey, null));
            config.dataSources().forEach((n, c) -> {
                ops.add(Operation.check(NodePaths.dataSource(db, n), null));
                ops.add(Operation.put(NodePaths.dataSource(db, n), codec.writeDataSource(c)));
            });
            ops.add(Operation.put(rulesKey, codec.writeRules(config.rules())));
            return commit(ops, entry);
        }
        if (load(db).exists()) {
            return false;
        }
        config.dataSources().forEach((n, c) -> compareAndSet(NodePaths.dataSource(db, n), null, codec.writeDataSource(c)));
        return recordedAfter(compareAndSet(rulesKey, null, codec.writeRules(config.rules())), entry);
    }

    /** Writes props; with {@code expectedRaw} non-null, only if the node still holds that text ("" = absent). */
    boolean writeProps(GovernanceProps props, String expectedRaw) {
        return writeProps(props, expectedRaw, null);
    }

    /** {@link #writeProps(GovernanceProps, String)} that keeps {@code entry} as {@link #commit(List, History.Entry)} does. */
    boolean writeProps(GovernanceProps props, String expectedRaw, History.Entry entry) {
        String text = codec.writeProps(props);
        if (entry != null && repo.capabilities().contains(Capability.TRANSACTION)) {
            List<Operation> ops = new ArrayList<>();
            if (expectedRaw != null) {
                ops.add(Operation.check(NodePaths.PROPS, expectedRaw.isEmpty() ? null : expectedRaw));
            }
            ops.add(Operation.put(NodePaths.PROPS, text));
            return commit(ops, entry);
        }
        return recordedAfter(writePropsText(text, expectedRaw), entry);
    }

    private boolean writePropsText(String text, String expectedRaw) {
        if (expectedRaw == null) {
            repo.put(NodePaths.PROPS, text);
            return true;
        }
        return compareAndSet(NodePaths.PROPS, expectedRaw.isEmpty() ? null : expectedRaw, text);
    }

    /** Compare-and-set that warns once when the backend cannot do it atomically. */
    boolean compareAndSet(String key, String expected, String value) {
        if (!repo.capabilities().contains(Capability.COMPARE_AND_SET) && casWarned.compareAndSet(false, true)) {
            LOG.warn("[{}] repository '{}' has no atomic compare-and-set: concurrent admin writes are last-writer-wins",
                    namespace, repo.type());
        }
        return repo.compareAndSet(key, expected, value);
    }

    /**
     * Watches which keys under {@code /config} change ({@link BulkReads#watchKeys}): events may
     * carry no value and may be spurious; the listener re-reads what it needs, through this watch
     * with {@link #loadWithProps(String, Watch)}.
     */
    Watch watch(WatchListener listener) {
        return BulkReads.of(repo).watchKeys(NodePaths.CONFIG, listener);
    }

    /**
     * Checks a database configuration as a whole: names and rules against data sources.
     *
     * @return the data sources the rules depend on (see {@link RuleCodecs#validate})
     * @throws GovernanceException {@code INVALID_CONFIG} or {@code INVALID_ARGUMENT} naming what is wrong
     */
    Set<String> validate(String db, DatabaseConfig config) {
        Paths.requireSegment(db, "database name");
        config.dataSources().keySet().forEach(n -> Paths.requireSegment(n, "data source name"));
        return codec.ruleCodecs().validate(config.rules(), config.dataSources().keySet());
    }

    /**
     * Applies checks and writes: one transaction where the repository has
     * {@link Capability#TRANSACTION}; elsewhere checks first, then writes in order (not atomic). There,
     * when the first write is a put to a checked node and the repository has
     * {@link Capability#COMPARE_AND_SET}, that put is a compare-and-set against the checked value: it is
     * the commit point, so two admins' read-modify-writes of the same node (a rule update) cannot
     * both land and lose one (Nacos, issue 19); the other checks stay read-then-write.
     *
     * @return false if a check failed (nothing written)
     */
    boolean commit(List<Operation> ops) {
        if (repo.capabilities().contains(Capability.TRANSACTION)) {
            return repo.commit(ops);
        }
        for (Operation op : ops) {
            if (op instanceof Operation.Check c) {
                String current = repo.get(c.key()).map(VersionedValue::value).orElse(null);
                if (!java.util.Objects.equals(current, c.expectedValue())) {
                    return false;
                }
            }
        }
        boolean first = true;
        for (Operation op : ops) {
            if (op instanceof Operation.Put p) {
                Operation.Check guard = first ? checkOf(ops, p.key()) : null;
                if (guard != null && repo.capabilities().contains(Capability.COMPARE_AND_SET)) {
                    // the commit point: a writer that changed the node since the check makes it fail, nothing written
                    if (!repo.compareAndSet(p.key(), guard.expectedValue(), p.value())) {
                        return false;
                    }
                } else {
                    repo.put(p.key(), p.value());
                }
                first = false;
            } else if (op instanceof Operation.Delete d) {
                repo.delete(d.key());
                first = false;
            }
        }
        return true;
    }

    /**
     * {@link #commit(List)} that keeps a revision in the history ({@link History}): where the
     * repository has {@link Capability#TRANSACTION}, its put is part of the same transaction, so the
     * change and its entry land together or not at all; elsewhere it is put right after the change
     * has applied, and a failure there is a WARN, not a failed write. Then the history is trimmed
     * (best effort). An entry too large for one node is not kept (a WARN). {@code entry} may be null.
     *
     * @return false if a check failed (nothing written, nothing kept)
     */
    boolean commit(List<Operation> ops, History.Entry entry) {
        if (entry == null || !history.fits(entry)) {
            return commit(ops);
        }
        if (!repo.capabilities().contains(Capability.TRANSACTION)) {
            return recordedAfter(commit(ops), entry);
        }
        List<Operation> all = new ArrayList<>(ops);
        all.add(entry.put());
        if (!repo.commit(all)) {
            return false;
        }
        history.trim(entry);
        return true;
    }

    /** Keeps {@code entry} (if any) after a write without transaction that {@code applied}. */
    private boolean recordedAfter(boolean applied, History.Entry entry) {
        if (applied && entry != null && history.fits(entry)) {
            history.recordAfter(entry);
        }
        return applied;
    }

    private static Operation.Check checkOf(List<Operation> ops, String key) {
        for (Operation op : ops) {
            if (op instanceof Operation.Check c && c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }

    private String source(String key) {
        return repo.type() + " node " + key;
    }

    /** Fails with {@code NOT_FOUND} if the center has nothing for a database. */
    DatabaseSnapshot require(String db) {
        return requireExists(load(db));
    }

    private DatabaseSnapshot requireExists(DatabaseSnapshot s) {
        if (!s.exists()) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "database '" + s.database()
                    + "' has no configuration in namespace '" + namespace + "' of " + repo.type());
        }
        return s;
    }
}
