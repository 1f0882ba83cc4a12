package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The admin's side of rollouts ({@link GovernanceAdmin#rollout(String, DatabaseConfig, RolloutPlan)} and the
 * calls around it): start one by writing the rollout node, wait for the chosen instances through their status
 * nodes, then promote or withdraw it; and the guard that keeps direct writes off a database with an open
 * rollout. All state is in the center (the rollout node), so any admin can see, promote or abort a rollout
 * that another admin started.
 *
 * <p>Every write is one transaction guarded by the values it read: the rollout node (absent, or exactly the
 * text read) and the database's nodes. Rollouts need {@link Capability#TRANSACTION} and
 * {@link Capability#COMPARE_AND_SET} on the config center (atomic guards); elsewhere they fail with
 * {@code CAPABILITY_MISSING}.
 *
 * <p>Thread-safe (no state of its own). Every call blocks on the centers.
 */
final class Rollouts {

    private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);

    private final String namespace;
    private final ConfigService config;
    private final Instances instances;

    Rollouts(String namespace, ConfigService config, Instances instances) {
        this.namespace = namespace;
        this.config = config;
        this.instances = instances;
    }

    /** A rollout as read from the center, with the node's text (the expected value of guarded writes). */
    private record Open(Rollout rollout, String text) {
    }

    /** The wait for the chosen instances ended before all of them applied the candidate. */
    private static final class Ended extends RuntimeException {
        final String instanceId;
        final String reason;

        Ended(String instanceId, String reason) {
            super(reason, null, false, false);
            this.instanceId = instanceId;
            this.reason = reason;
        }
    }

    // ---------------------------------------------------------------- start, wait, finish

    RolloutResult start(String db, DatabaseConfig next, RolloutPlan plan) {
        String what = "rollout of database '" + db + "'";
        requireTransactions(what);
        Objects.requireNonNull(plan, "plan");
        ConfigService.WithProps read = config.requireWithProps(db);
        requireNone(what, read);
        config.validate(db, next);
        JdbcRuntime.checkAll(db, next);
        List<String> chosen = choose(db, plan);
        Map.Entry<GovernanceProps, String> props = config.loadProps();
        DatabaseSnapshot base = read.snapshot();
        YamlCodec codec = config.codec();
        Map<String, String> texts = new java.util.TreeMap<>();
        next.dataSources().forEach((n, c) -> texts.put(n, codec.writeDataSource(c)));
        History.Entry entry = config.history().entry(db, next, props.getKey(),
                plan.message().isEmpty() ? null : plan.message(), RevisionRecord.Outcome.ROLLOUT);
        Rollout r = new Rollout(newId(), db, InstanceIds.host(), System.getProperty("user.name", "unknown"), Instant.now(),
                plan.message(), config.revision(base.config(), props.getKey()), config.revision(next, props.getKey()),
                plan.selector(), plan.labelKey(), plan.labelValue(), plan.toString(), chosen, next, texts,
                codec.writeRules(next.rules()), entry.key());
        String text = r.write(codec);
        List<Operation> ops = contentChecks(base);
        ops.add(guard(db));
        ops.add(Operation.check(NodePaths.PROPS, props.getValue().isEmpty() ? null : props.getValue()));
        ops.add(Operation.put(NodePaths.rollout(db), text));
        if (!config.commit(ops, entry)) {
            throw conflictAfter(db, "start " + what, "the database or the props changed concurrently");
        }
        LOG.info("[{}] admin started {}", namespace, r.describe());
        return await(r, text, plan);
    }

    /** Waits for the chosen instances, then promotes, leaves open or withdraws. */
    private RolloutResult await(Rollout r, String text, RolloutPlan plan) {
        String db = r.database();
        try {
            StatusWait.await(instances, "rollout " + r.id() + " of database '" + db + "'", plan.timeout(), all -> {
                if (!text.equals(config.repository().get(NodePaths.rollout(db)).map(v -> v.value()).orElse(null))) {
                    throw new Ended(null, "the rollout was ended by another admin");
                }
                List<String> pending = new ArrayList<>();
                List<RolloutInfo.Chosen> chosen = states(r, all);
                for (RolloutInfo.Chosen c : chosen) {
                    switch (c.state()) {
                        case REJECTED -> throw new Ended(c.instanceId(), "rejected revision " + r.revision() + ": " + c.detail());
                        case GONE -> throw new Ended(c.instanceId(), "left the registry before it applied revision " + r.revision());
                        case PENDING -> pending.add(c.instanceId() + " runs " + c.detail());
                        default -> { }
                    }
                }
                return new StatusWait.Progress(all, pending, chosen.size());
            });
        } catch (Ended e) {
            return ended(r, text, e.instanceId, e.reason);
        } catch (GovernanceException e) {
            if (e.code() != ErrorCode.TIMEOUT) {
                throw e;
            }
            RolloutInfo.Chosen late = states(r, instances.instances()).stream()
                    .filter(c -> c.state() != RolloutInfo.State.APPLIED).findFirst().orElse(null);
            if (late != null) {
                return ended(r, text, late.instanceId(), "did not apply revision " + r.revision() + " within "
                        + plan.timeout().toMillis() + " ms (" + (late.state() == RolloutInfo.State.PENDING
                        ? "it runs " + late.detail() : late.state() + " " + late.detail()).strip() + ")");
            }
        }
        if (!plan.promotesAutomatically()) {
            LOG.info("[{}] admin: rollout {} of database '{}' verified on {}; open until promoted or aborted", namespace,
                    r.id(), db, r.chosen());
            return new RolloutResult(RolloutResult.Outcome.CANARY_VERIFIED, r.id(), r.revision(), null, null);
        }
        return new RolloutResult(RolloutResult.Outcome.PROMOTED, r.id(), promote(r, text), null, null);
    }

    /** A failed wait: withdraws the rollout unless another admin ended it first (then says how). */
    private RolloutResult ended(Rollout r, String text, String instanceId, String reason) {
        if (instanceId != null && withdraw(r, text)) {
            LOG.warn("[{}] admin withdrew rollout {} of database '{}': instance {} {}", namespace, r.id(), r.database(),
                    instanceId, reason);
            return new RolloutResult(RolloutResult.Outcome.WITHDRAWN, r.id(), r.revision(), instanceId, reason);
        }
        // Another admin promoted or aborted it while this one waited.
        boolean promoted = r.candidate().equals(config.load(r.database()).config());
        if (promoted) {
            return new RolloutResult(RolloutResult.Outcome.PROMOTED, r.id(),
                    config.revision(r.candidate(), config.loadProps().getKey()), null, null);
        }
        return new RolloutResult(RolloutResult.Outcome.WITHDRAWN, r.id(), r.revision(), null,
                "aborted by another admin");
    }

    String promote(String db) {
        String what = "promote the rollout of database '" + db + "'";
        requireTransactions(what);
        Open o = read(db).orElseThrow(() -> noRollout(what));
        return promote(o.rollout(), o.text());
    }

    /**
     * One transaction: the rollout node is still {@code text}, the database's nodes are still as read; the
     * candidate's changed nodes are written, its missing data sources deleted, the rollout node deleted, and
     * the candidate's history entry marked PROMOTED. Then the promoted revision is recorded as the
     * database's last good one ({@link LastGood}; a failure there is a WARN).
     */
    private String promote(Rollout r, String text) {
        String db = r.database();
        DatabaseSnapshot now = config.load(db);
        List<Operation> ops = contentChecks(now);
        ops.add(Operation.check(NodePaths.rollout(db), text));
        r.rawDataSources().forEach((n, t) -> {
            if (!t.equals(now.rawDataSources().get(n))) {
                ops.add(Operation.put(NodePaths.dataSource(db, n), t));
            }
        });
        if (!r.rawRules().equals(now.rawRules())) {
            ops.add(Operation.put(NodePaths.rules(db), r.rawRules()));
        }
        now.rawDataSources().keySet().stream().filter(n -> !r.rawDataSources().containsKey(n))
                .forEach(n -> ops.add(Operation.delete(NodePaths.dataSource(db, n))));
        ops.add(Operation.delete(NodePaths.rollout(db)));
        outcome(r, RevisionRecord.Outcome.PROMOTED).ifPresent(ops::add);
        if (!config.commit(ops)) {
            throw new GovernanceException(ErrorCode.CONFLICT, "promote rollout " + r.id() + " of database '" + db
                    + "': " + (read(db).isPresent() ? "the database changed concurrently; try again"
                    : "another admin promoted or aborted it first"));
        }
        String rev = config.revision(r.candidate(), config.loadProps().getKey());
        LOG.info("[{}] admin promoted rollout {} of database '{}' -> revision {}", namespace, r.id(), db, rev);
        new LastGood(config, namespace).record(db, rev);
        return rev;
    }

    void abort(String db) {
        String what = "abort the rollout of database '" + db + "'";
        requireTransactions(what);
        Open o;
        try {
            o = read(db).orElseThrow(() -> noRollout(what));
        } catch (GovernanceException e) {
            if (e.code() != ErrorCode.INVALID_CONFIG) {
                throw e;
            }
            abortUnreadable(db, what, e);
            return;
        }
        if (!withdraw(o.rollout(), o.text())) {
            throw new GovernanceException(ErrorCode.CONFLICT, what + ": another admin promoted or aborted it first");
        }
        LOG.info("[{}] admin aborted {}", namespace, o.rollout().describe());
    }

    /**
     * A rollout node that does not decode (written by another version, or by hand) blocks every write to the
     * database and makes instances reject their re-reads; aborting it is the way out, so it is deleted as read.
     */
    private void abortUnreadable(String db, String what, GovernanceException unreadable) {
        String key = NodePaths.rollout(db);
        String text = config.repository().get(key).map(v -> v.value()).orElseThrow(() -> noRollout(what));
        if (!config.commit(List.of(Operation.check(key, text), Operation.delete(key)))) {
            throw new GovernanceException(ErrorCode.CONFLICT, what + ": the rollout node changed concurrently");
        }
        LOG.warn("[{}] admin aborted an unreadable rollout of database '{}' ({})", namespace, db, unreadable.getMessage());
    }

    /** Deletes the rollout node if it still holds {@code text}, and marks the candidate's history entry WITHDRAWN. */
    private boolean withdraw(Rollout r, String text) {
        String key = NodePaths.rollout(r.database());
        List<Operation> ops = new ArrayList<>(List.of(Operation.check(key, text), Operation.delete(key)));
        outcome(r, RevisionRecord.Outcome.WITHDRAWN).ifPresent(ops::add);
        return config.commit(ops);
    }

    /** The put that sets the outcome of the candidate's history entry (none if it is not kept). */
    private Optional<Operation.Put> outcome(Rollout r, RevisionRecord.Outcome outcome) {
        return r.historyEntry() != null ? config.history().outcomePutAt(r.historyEntry(), outcome)
                : config.history().outcomePut(History.scope(r.database()), r.revision(), outcome);
    }

    // ---------------------------------------------------------------- reading

    Optional<RolloutInfo> info(String db) {
        Paths.requireSegment(db, "database name");
        return read(db).map(o -> {
            Rollout r = o.rollout();
            return new RolloutInfo(r.id(), db, r.host(), r.user(), r.startedAt(), r.message(), r.baseRevision(),
                    r.revision(), r.selectorText(), states(r, instances.instances()));
        });
    }

    private Optional<Open> read(String db) {
        String key = NodePaths.rollout(db);
        Repository repo = config.repository();
        return repo.get(key).map(v -> new Open(Rollout.read(config.codec(), v.value(), repo.type() + " node " + key), v.value()));
    }

    /**
     * Each chosen instance's state with the candidate, in the registry {@code all}, sorted by id: the ids chosen
     * at start and, for a label rollout, every instance governing the database that carries the label now (one
     * that started during the rollout runs the candidate too).
     */
    private static List<RolloutInfo.Chosen> states(Rollout r, List<InstanceInfo> all) {
        String db = r.database();
        java.util.Set<String> ids = new java.util.TreeSet<>(r.chosen());
        all.stream().filter(i -> i.governs(db) && r.chooses(i.id(), i.labels())).forEach(i -> ids.add(i.id()));
        List<RolloutInfo.Chosen> out = new ArrayList<>();
        for (String id : ids) {
            InstanceInfo i = all.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
            if (i == null) {
                out.add(new RolloutInfo.Chosen(id, RolloutInfo.State.GONE, ""));
            } else if (r.revision().equals(i.appliedRevisions().get(db))) {
                out.add(new RolloutInfo.Chosen(id, RolloutInfo.State.APPLIED, ""));
            } else if (r.revision().equals(i.rejectedRevisions().get(db))) {
                out.add(new RolloutInfo.Chosen(id, RolloutInfo.State.REJECTED, i.errors().getOrDefault(db, "")));
            } else {
                out.add(new RolloutInfo.Chosen(id, RolloutInfo.State.PENDING, i.appliedRevisions().getOrDefault(db, "none")));
            }
        }
        return out;
    }

    /** The ids a plan chooses among the instances registered now. */
    private List<String> choose(String db, RolloutPlan plan) {
        String what = "rollout of database '" + db + "' on " + plan;
        List<InstanceInfo> all = instances.instances();
        List<InstanceInfo> governing = all.stream().filter(i -> i.governs(db)).toList();
        switch (plan.selector()) {
            case INSTANCES -> {
                for (String id : plan.ids()) {
                    InstanceInfo i = all.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() ->
                            new GovernanceException(ErrorCode.NOT_FOUND, what + ": instance '" + id
                                    + "' is not registered in namespace '" + namespace + "'"));
                    if (!i.governs(db)) {
                        throw new GovernanceException(ErrorCode.INVALID_ARGUMENT, what + ": instance '" + id
                                + "' does not govern database '" + db + "'");
                    }
                }
                return plan.ids();
            }
            case LABEL -> {
                List<String> ids = governing.stream()
                        .filter(i -> plan.labelValue().equals(i.labels().get(plan.labelKey()))).map(InstanceInfo::id).toList();
                if (ids.isEmpty()) {
                    throw new GovernanceException(ErrorCode.NOT_FOUND, what + ": no instance governing database '" + db
                            + "' carries label " + plan.labelKey() + "=" + plan.labelValue());
                }
                return ids;
            }
            default -> {
                if (plan.count() > governing.size()) {
                    throw new GovernanceException(ErrorCode.INVALID_ARGUMENT, what + ": only " + governing.size()
                            + " instances govern database '" + db + "'");
                }
                List<String> ids = new ArrayList<>(governing.stream().map(InstanceInfo::id).toList());
                Collections.shuffle(ids, ThreadLocalRandom.current());
                return List.copyOf(ids.subList(0, plan.count()));
            }
        }
    }

    // ---------------------------------------------------------------- guards for direct writes

    /** The check that a database has no open rollout, for the commit of a direct write. */
    static Operation guard(String db) {
        return Operation.check(NodePaths.rollout(db), null);
    }

    /** {@code CONFLICT} naming the open rollout of what {@code read} found, if any. */
    void requireNone(String what, ConfigService.WithProps read) {
        if (read.rollout() != null) {
            throw conflict(what, read.rollout());
        }
    }

    /**
     * The {@code CONFLICT} of a guarded write whose commit failed: names the database's open rollout if there is
     * one now, else says {@code otherwise}.
     */
    GovernanceException conflictAfter(String db, String what, String otherwise) {
        return read(db).map(o -> conflict(what, o.rollout()))
                .orElseGet(() -> new GovernanceException(ErrorCode.CONFLICT, what + ": " + otherwise));
    }

    /**
     * Writes the props if they still have the text {@code expectedRaw} ("" = absent) and, on a center with
     * transactions, no database has an open rollout (a props change changes every database's revision).
     *
     * Keeps {@code entry} in the props' history as {@link ConfigService#commit(List, History.Entry)} does.
     *
     * @return false if the props changed concurrently
     * @throws GovernanceException {@code CONFLICT} naming an open rollout
     */
    boolean writeProps(GovernanceProps props, String expectedRaw, History.Entry entry) {
        if (!transactions()) {
            return config.writeProps(props, expectedRaw, entry);
        }
        List<String> dbs = config.databaseNames();
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.check(NodePaths.PROPS, expectedRaw.isEmpty() ? null : expectedRaw));
        dbs.forEach(db -> ops.add(guard(db)));
        ops.add(Operation.put(NodePaths.PROPS, config.codec().writeProps(props)));
        if (config.commit(ops, entry)) {
            return true;
        }
        for (String db : dbs) {
            Optional<Open> o = read(db);
            if (o.isPresent()) {
                throw conflict("set props", o.get().rollout());
            }
        }
        return false;
    }

    private static GovernanceException conflict(String what, Rollout r) {
        return new GovernanceException(ErrorCode.CONFLICT, what + ": " + r.describe() + " is open; promote it"
                + " (promote(\"" + r.database() + "\")) or abort it (abortRollout(\"" + r.database() + "\")) first");
    }

    private static GovernanceException noRollout(String what) {
        return new GovernanceException(ErrorCode.NOT_FOUND, what + ": the database has no open rollout");
    }

    /** The checks that the database's nodes still hold what {@code read} found. */
    private static List<Operation> contentChecks(DatabaseSnapshot read) {
        String db = read.database();
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.check(NodePaths.rules(db), read.rawRules()));
        read.rawDataSources().forEach((n, raw) -> ops.add(Operation.check(NodePaths.dataSource(db, n), raw)));
        return ops;
    }

    /** What rollouts need of the config center: transactions whose checks are atomic. */
    private static final java.util.Set<Capability> NEEDED = java.util.EnumSet.of(Capability.TRANSACTION, Capability.COMPARE_AND_SET);

    /**
     * Whether the config center's commits are atomic, checks included: {@link Capability#TRANSACTION} and
     * {@link Capability#COMPARE_AND_SET} (Apollo declares transactions but its checks are a read then a write;
     * Nacos has compare-and-set but no transactions).
     */
    private boolean transactions() {
        return config.repository().capabilities().containsAll(NEEDED);
    }

    private void requireTransactions(String what) {
        if (!transactions()) {
            java.util.Set<Capability> missing = java.util.EnumSet.copyOf(NEEDED);
            missing.removeAll(config.repository().capabilities());
            throw new GovernanceException(ErrorCode.CAPABILITY_MISSING, what + ": the config center '"
                    + config.repository().type() + "' lacks capability " + missing + "; rollouts need transactions"
                    + " with atomic checks (ZooKeeper, etcd); use a direct write there");
        }
    }

    private static String newId() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
