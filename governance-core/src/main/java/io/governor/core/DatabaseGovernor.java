package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.StateEvent;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reconciles one database, level-triggered: any event only marks the database dirty; its single
 * governance thread then re-reads the database's whole configuration, validates it as a whole and
 * applies the difference to the database's {@link JdbcRuntime}. An intermediate or invalid state is
 * rejected (logged, reported in the instance status and to listeners) and the running
 * configuration stays; the next event converges. A change rejected for a transient reason
 * (a database that cannot be reached) is retried with a growing delay.
 *
 * <p>Operators' data source control does not wait for that thread. A watched control event
 * carries the control node's value, and {@link #controlChanged} applies it on the thread that
 * delivers it: the routing snapshot without (or with) the data source is swapped in, the status
 * write is recorded for the control thread, and listeners get the {@code DATA_SOURCE} state event.
 * None of that reads the center or blocks: the swap is one volatile write, the write is only
 * recorded, and listeners must be fast by their contract. {@link #markControlDirty} (start-up, after
 * a reconnect, an event it cannot place) re-reads the whole disabled set on the governance thread
 * instead, and applies on top of it the events delivered while it read, so a missed event still
 * converges.
 *
 * <p>Thread-safe: the methods called from other threads either record work and schedule it on the
 * governance thread or, for a control event, apply it under a short lock; none blocks on the
 * center or on a pool.
 */
final class DatabaseGovernor implements AutoCloseable {

    /** Status callbacks into the owning {@link Governance}. */
    interface StatusSink {
        void applied(String db, String revision);

        /** {@code db}'s change to {@code revision} (null: unreadable, no revision) was rejected for {@code message}. */
        void rejected(String db, String revision, String message);

        /** The data sources of {@code db} this instance now skips (applied). */
        void disabled(String db, Set<String> disabled);

        /**
         * {@code db} started on its last good {@code revision} because the current one
         * ({@code rejectedRevision}, null: unreadable) was rejected for {@code message}.
         */
        void fallback(String db, String revision, String rejectedRevision, String message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseGovernor.class);
    private static final long MAX_RETRY_DELAY_MS = 60_000;
    /** Recorded for a control node that was deleted: the data source is enabled. */
    private static final String DELETED = "";
    /**
     * How often listeners that do not observe JDBC yet are asked again
     * ({@link io.governor.api.event.GovernanceListener#observesJdbc()}), while there are any.
     */
    static final long OBSERVER_REFRESH_MS = 2_000;

    private final String namespace;
    private final String instanceId;
    private final String db;
    private final ConfigService config;
    private final RegistryService registry;
    private final JdbcRuntime runtime;
    private final Listeners listeners;
    private final StatusSink status;
    /** This instance's labels ({@code governance.labels}), which a rollout by label chooses it by. */
    private final Map<String, String> labels;
    private final ScheduledThreadPoolExecutor thread;
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** A re-read of the disabled set is scheduled and has not started yet. */
    private final AtomicBoolean controlReadDue = new AtomicBoolean();
    /** Guards {@link #disabled} and {@link #eventsDuringRead}: control events and re-reads apply from two threads. */
    private final Object controlLock = new Object();
    /** While the governance thread re-reads the disabled set: data source to the value of each event delivered since. */
    private Map<String, String> eventsDuringRead;

    /** The configuration watch re-reads go through ({@link ConfigService#loadWithProps(String, Watch)}); null before it exists. */
    private volatile io.governor.api.repository.Watch readThrough;
    private volatile DatabaseConfig current;
    private volatile GovernanceProps currentProps;
    private volatile String appliedRevision;
    /** Set first thing in {@link #close()}: a task it interrupts fails, and that is not news. */
    private volatile boolean closing;
    /** The data sources this instance skips; guarded by {@link #controlLock}. */
    private Set<String> disabled = Set.of();
    private String lastRejected;
    private long retryDelayMs = 500;

    DatabaseGovernor(String namespace, String instanceId, String db, ConfigService config, RegistryService registry,
                     JdbcRuntime runtime, Listeners listeners, StatusSink status, Map<String, String> labels) {
        this.namespace = namespace;
        this.instanceId = instanceId;
        this.db = db;
        this.config = config;
        this.registry = registry;
        this.runtime = runtime;
        this.listeners = listeners;
        this.status = status;
        this.labels = Map.copyOf(labels);
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "governor-" + namespace + "-" + db + "-governance");
            t.setDaemon(true);
            return t;
        });
        this.thread.setRemoveOnCancelPolicy(true);
    }

    /**
     * Applies the center's current configuration on the calling thread (start-up). Safe to call
     * again (after {@link #startWith}): only what differs is rebuilt. Records it as the database's
     * last good revision when none is recorded yet (first deploy; a failure to record is a WARN).
     *
     * <p>When the current configuration cannot be applied here (it fails to read as
     * {@code INVALID_CONFIG}, or its pools cannot be built or connect) and {@code strictStartup} is
     * off, this instance starts on the database's last good revision ({@link LastGood}) instead, if
     * one is recorded and it is another revision: one WARN line, and the status shows the last good
     * revision applied, the current one rejected with its reason, and the database as a fallback.
     * The current revision is retried by the reconcile that {@link Governance} triggers once its
     * watches are in place, then with the growing delay of any rejected change; applying it clears
     * the fallback.
     *
     * @param strictStartup {@code governance.strictStartup}: fail instead of falling back
     * @throws GovernanceException when neither the current nor (unless strict) the last good revision
     *         starts here: the current one's failure, naming the last good one's failure too if it was tried
     */
    void start(boolean strictStartup) {
        ConfigService.WithProps read;
        try {
            read = config.requireWithProps(db);
        } catch (GovernanceException e) {
            if (e.code() != ErrorCode.INVALID_CONFIG) {
                throw e;
            }
            startOnLastGood(null, e, strictStartup);
            return;
        }
        DatabaseConfig target = target(read);
        GovernanceProps props = read.props();
        String rev = config.revision(target, props);
        try {
            startOn(target, props, rev, null);
        } catch (GovernanceException e) {
            if (e.code() == ErrorCode.INTERRUPTED || e.code() == ErrorCode.CLOSED) {
                throw e;
            }
            startOnLastGood(rev, e, strictStartup);
            return;
        }
        recordLastGoodIfAbsent();
    }

    /**
     * Records the revision this instance runs as the database's last good revision when none is
     * recorded and it is still the current one (the first instance of a first deploy). Never throws.
     */
    void recordLastGoodIfAbsent() {
        lastGood().recordIfAbsent(db, appliedRevision);
    }

    private LastGood lastGood() {
        return new LastGood(config, namespace);
    }

    /**
     * Starts on the last good revision after the current one ({@code rejected}, null when it could not
     * be read) failed here with {@code cause}; or fails start-up (see {@link #start}).
     */
    private void startOnLastGood(String rejected, GovernanceException cause, boolean strictStartup) {
        String reason = cause.getMessage();
        if (strictStartup) {
            throw new GovernanceException(cause.code(), reason
                    + " (governance.strictStartup is on: the last good revision was not tried)", cause);
        }
        Optional<LastGood.Entry> found;
        try {
            found = lastGood().read(db);
        } catch (GovernanceException e) {
            throw new GovernanceException(cause.code(), reason + "; reading its last good revision failed too: "
                    + e.getMessage(), cause);
        }
        if (found.isEmpty() || found.get().revision().equals(rejected)) {
            throw cause;
        }
        LastGood.Entry good = found.get();
        try {
            startOn(good.database(), good.props(), good.revision(), new Rejection(rejected, reason));
        } catch (GovernanceException e) {
            throw new GovernanceException(cause.code(), reason + "; its last good revision " + good.revision()
                    + " could not start either: " + e.getMessage(), cause);
        }
        lastRejected = rejected + "|" + reason;
        String what = rejected == null ? "its current configuration" : "revision " + rejected;
        LOG.warn("[{}] database '{}' could not start on {} ({}); started on its last good revision {}; retrying {}",
                namespace, db, what, reason, good.revision(), rejected == null ? "it" : rejected);
        listeners.rejected(new ConfigurationEvent(namespace, instanceId, db, rejected, "rejected"), cause);
    }

    /** The current revision ({@code revision}, null if unreadable) this instance could not start on, and why. */
    private record Rejection(String revision, String reason) {
    }

    /**
     * Applies {@code local} on the calling thread, its pools built and checked, before it is in the
     * center (bootstrap): failure fails start-up and nothing was written.
     */
    void startWith(DatabaseConfig local, GovernanceProps props) {
        startOn(local, props, config.revision(local, props), null);
    }

    /** Applies a configuration at start-up and reports it, as a fallback if {@code rejection} is given. */
    private void startOn(DatabaseConfig local, GovernanceProps props, String rev, Rejection rejection) {
        Set<String> readDisabled = registry.disabledDataSources(db);
        synchronized (controlLock) {
            disabled = readDisabled;
            runtime.setDisabled(readDisabled);
        }
        runtime.apply(local, props, rev);
        DatabaseConfig before = current;
        GovernanceProps beforeProps = currentProps;
        current = local;
        currentProps = props;
        appliedRevision = rev;
        status.disabled(db, readDisabled);
        if (rejection == null) {
            status.applied(db, rev);
        } else {
            status.fallback(db, rev, rejection.revision(), rejection.reason());
        }
        LOG.info("[{}] database '{}' started at revision {} with data sources {}", namespace, db, rev,
                local.dataSources().keySet());
        listeners.applied(new ConfigurationEvent(namespace, instanceId, db, rev, summary(before, beforeProps, current, props)));
        if (before == null) {
            scheduleObserverRefresh();
        }
    }

    private void scheduleObserverRefresh() {
        try {
            thread.schedule(this::refreshObservers, OBSERVER_REFRESH_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("[{}] database '{}': closed, listeners not asked again", namespace, db);
        }
    }

    /** Asks listeners that do not observe JDBC yet again; again later while some still do not. */
    private void refreshObservers() {
        boolean again;
        try {
            again = runtime.refreshObservers();
        } catch (RuntimeException e) {
            LOG.error("[{}] database '{}': asking listeners whether they observe JDBC failed", namespace, db, e);
            again = true;
        }
        if (again && !closing) {
            scheduleObserverRefresh();
        }
    }

    String database() {
        return db;
    }

    /** The configuration this instance runs. */
    DatabaseConfig current() {
        return current;
    }

    /** The revision this instance runs. */
    String appliedRevision() {
        return appliedRevision;
    }

    /** From now on, re-reads after an event go through {@code configWatch} where the repository answers from it. */
    void readThrough(io.governor.api.repository.Watch configWatch) {
        this.readThrough = configWatch;
    }

    /** Something under this database's config (or the props) changed: reconcile soon. */
    void markDirty() {
        if (dirty.compareAndSet(false, true)) {
            submit(this::reconcile);
        }
    }

    /** Re-read the whole disabled set soon (start-up, reconnect, an event that names no data source). */
    void markControlDirty() {
        if (controlReadDue.compareAndSet(false, true)) {
            submit(this::rereadControl);
        }
    }

    /**
     * A data source's control node changed to {@code value} ({@code null}: deleted): applies it now,
     * on the calling thread, from the value itself (see the class comment). Does not block; safe on
     * a repository's watch thread.
     */
    void controlChanged(String dataSource, String value) {
        if (closing) {
            return;
        }
        synchronized (controlLock) {
            if (eventsDuringRead != null) {
                eventsDuringRead.put(dataSource, value == null ? DELETED : value);
            }
            Set<String> next = new TreeSet<>(disabled);
            setControl(next, dataSource, value == null ? DELETED : value);
            applyDisabled(next);
        }
    }

    /** Sets the circuit breaker at once, on the calling thread (it never waits for a change being applied). */
    void setCircuitBroken(boolean broken) {
        runtime.setCircuitBroken(broken);
    }

    private void submit(Runnable r) {
        try {
            thread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    if (closing) {
                        LOG.debug("[{}] database '{}': governance task ended by close: {}", namespace, db, e.toString());
                    } else {
                        LOG.error("[{}] database '{}': governance task failed", namespace, db, e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("[{}] database '{}': closed, event ignored", namespace, db);
        }
    }

    private void reconcile() {
        dirty.set(false);
        DatabaseSnapshot snap;
        GovernanceProps props;
        DatabaseConfig next;
        try {
            ConfigService.WithProps read = config.loadWithProps(db, readThrough);
            snap = read.snapshot();
            props = read.props();
            next = target(read);
        } catch (GovernanceException e) {
            reject(null, e);
            return;
        }
        if (!snap.exists()) {
            LOG.warn("[{}] database '{}' has no configuration in the center any more; keeping revision {}",
                    namespace, db, appliedRevision);
            return;
        }
        // The revision is a function of the content: an unchanged configuration keeps its revision
        // without writing out and digesting the canonical text again.
        String rev = next.equals(current) && props.equals(currentProps) ? appliedRevision
                : config.revision(next, props);
        if (rev.equals(appliedRevision)) {
            if (lastRejected != null) {
                // The center is back at what this instance runs: the earlier rejection is moot.
                lastRejected = null;
                status.applied(db, rev);
                LOG.info("[{}] database '{}' is back at revision {}", namespace, db, rev);
            }
            return;
        }
        String summary = summary(current, currentProps, next, props);
        try {
            runtime.apply(next, props, rev);
        } catch (GovernanceException e) {
            reject(rev, e);
            if (e.code() == ErrorCode.CONNECT_FAILED || e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT) {
                long delay = retryDelayMs;
                retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2);
                thread.schedule(this::markDirty, delay, TimeUnit.MILLISECONDS);
            }
            return;
        } catch (RuntimeException e) {
            reject(rev, new GovernanceException(ErrorCode.INTERNAL, "apply revision " + rev + " of database '" + db
                    + "' failed: " + e, e));
            return;
        }
        current = next;
        currentProps = props;
        appliedRevision = rev;
        lastRejected = null;
        retryDelayMs = 500;
        LOG.info("[{}] database '{}' applied revision {}: {}", namespace, db, rev, summary);
        listeners.applied(new ConfigurationEvent(namespace, instanceId, db, rev, summary));
        // Then report it: the status write is a round trip to the registry center that the change
        // itself (already running) and the listeners need not wait for.
        status.applied(db, rev);
    }

    /**
     * The content this instance should run of what it read: the open rollout's candidate if the rollout chose
     * this instance ({@link Rollout#chooses}), else the database's content. An instance the rollout did not
     * choose never builds a pool for the candidate.
     */
    private DatabaseConfig target(ConfigService.WithProps read) {
        Rollout r = read.rollout();
        if (r != null && r.chooses(instanceId, labels)) {
            LOG.debug("[{}] database '{}': chosen by {}", namespace, db, r.describe());
            return r.candidate();
        }
        return read.snapshot().config();
    }

    private void reject(String rev, GovernanceException e) {
        if (closing) {
            // close() interrupted the read or the apply: nothing was rejected, nothing to report
            LOG.debug("[{}] database '{}': change not applied, closing: {}", namespace, db, e.getMessage());
            return;
        }
        String key = rev + "|" + e.getMessage();
        if (!key.equals(lastRejected)) {
            LOG.warn("[{}] database '{}' rejected configuration{}; keeping revision {}: {}", namespace, db,
                    rev == null ? "" : " revision " + rev, appliedRevision, e.getMessage());
            lastRejected = key;
            status.rejected(db, rev, e.getMessage());
            listeners.rejected(new ConfigurationEvent(namespace, instanceId, db, rev, "rejected"), e);
        }
    }

    /** Governance thread: reads the disabled set, then applies it with the events delivered meanwhile on top. */
    private void rereadControl() {
        controlReadDue.set(false);
        synchronized (controlLock) {
            eventsDuringRead = new java.util.HashMap<>();
        }
        Set<String> read = null;
        try {
            read = registry.disabledDataSources(db);
        } finally {
            synchronized (controlLock) {
                if (read != null) {
                    Set<String> next = new TreeSet<>(read);
                    eventsDuringRead.forEach((ds, value) -> setControl(next, ds, value));
                    applyDisabled(next);
                }
                eventsDuringRead = null;
            }
        }
    }

    private static void setControl(Set<String> disabled, String dataSource, String value) {
        if (RegistryService.isDisabled(value)) {
            disabled.add(dataSource);
        } else {
            disabled.remove(dataSource);
        }
    }

    /**
     * Runs {@code next} if it differs: swaps the routing snapshot, records the status write and tells
     * listeners, in that order (holding {@link #controlLock}).
     */
    private void applyDisabled(Set<String> next) {
        if (next.equals(disabled)) {
            return;
        }
        Set<String> before = disabled;
        disabled = java.util.Collections.unmodifiableSet(next);
        runtime.setDisabled(disabled);
        status.disabled(db, disabled);
        for (String ds : union(before, next)) {
            boolean now = next.contains(ds);
            if (before.contains(ds) != now) {
                LOG.info("[{}] data source {}/{} is now {}", namespace, db, ds, now ? "DISABLED" : "ENABLED");
                listeners.state(new StateEvent(namespace, StateEvent.Kind.DATA_SOURCE, db + "/" + ds, now ? "DISABLED" : "ENABLED"));
            }
        }
    }

    static String summary(DatabaseConfig before, GovernanceProps beforeProps, DatabaseConfig after, GovernanceProps afterProps) {
        if (before == null) {
            return "initial configuration";
        }
        List<String> parts = new ArrayList<>();
        Set<String> added = new TreeSet<>(after.dataSources().keySet());
        added.removeAll(before.dataSources().keySet());
        Set<String> removed = new TreeSet<>(before.dataSources().keySet());
        removed.removeAll(after.dataSources().keySet());
        Set<String> changed = new TreeSet<>();
        for (Map.Entry<String, io.governor.api.config.DataSourceConfig> e : after.dataSources().entrySet()) {
            var old = before.dataSources().get(e.getKey());
            if (old != null && !old.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        if (!added.isEmpty()) {
            parts.add("data sources added " + added);
        }
        if (!changed.isEmpty()) {
            parts.add("data sources changed " + changed);
        }
        if (!removed.isEmpty()) {
            parts.add("data sources removed " + removed);
        }
        if (!before.rules().equals(after.rules())) {
            parts.add("rules changed");
        }
        if (!Objects.equals(beforeProps, afterProps)) {
            parts.add("props changed");
        }
        return parts.isEmpty() ? "no effective change" : String.join("; ", parts);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    @Override
    public void close() {
        closing = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
    }
}
