package io.governor.core.jdbc;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.event.GovernanceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC runtime of one logical database: its physical pools, routing state and circuit breaker,
 * held in one immutable snapshot that {@link GovernedDataSource} reads without a lock. <b>Core use
 * only:</b> {@code Governance}'s reconciler creates it and drives it from the database's
 * governance thread; applications get the {@link #dataSource()} and never call the mutators. It is
 * the one class of this package public for {@code io.governor.core} alone (see docs/decisions.md,
 * "package layout of core"); {@link #check} and {@link #checkAll} are the checks an instance runs
 * before it builds pools, for the YAML reader, the admin and the start-up.
 *
 * <p><b>Thread safety:</b> every method is thread-safe. Applies are serialised among themselves and
 * build and check their pools without holding the snapshot lock, so {@link #setDisabled},
 * {@link #setCircuitBroken} and {@link #close} take effect at once even while a slow apply is under
 * way. Each mutator replaces the snapshot in one volatile write, so a connection sees either the old
 * or the new configuration, never a mix.
 *
 * <p><b>Blocking:</b> {@link #apply} blocks while new pools are built and checked (up to
 * {@code pool-check-timeout}); the other mutators do not block. Pools that are replaced or removed
 * are drained: closed when their last lent connection returns or after {@code drain-timeout},
 * whichever comes first, the latter on a daemon thread {@code governor-<namespace>-<db>-drain}
 * that exists only while a drain is pending. HikariCP pools of one database share one housekeeping
 * thread, {@code governor-<namespace>-<db>-housekeeper}, instead of starting one each.
 *
 * <p><b>Failure:</b> {@link #apply} either applies the whole configuration or throws a
 * {@link GovernanceException} and leaves everything as it was (pools it built are closed).
 */
public final class JdbcRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcRuntime.class);

    private final String namespace;
    private final String database;
    private final String logPrefix;
    private final List<GovernanceListener> listeners;
    /** Listeners that answered false from {@code observesJdbc()}: asked again by {@link #refreshObservers}. */
    private final List<GovernanceListener> notObserving = new ArrayList<>();
    private final Object observersLock = new Object();
    /** The observers new connections report to; replaced when a listener starts observing. */
    private volatile JdbcEvents events;
    private final ScheduledThreadPoolExecutor drainer;
    /** HikariCP's housekeeping of every pool of this database, on one thread (see PoolFactory). */
    private final ScheduledThreadPoolExecutor housekeeper;
    private final GovernedDataSource dataSource;
    private volatile Snapshot snapshot;
    /** Serialises {@link #apply}, which builds and checks pools outside the snapshot lock. */
    private final Object applyLock = new Object();

    private JdbcRuntime(String namespace, String database, List<GovernanceListener> listeners) {
        this.namespace = namespace;
        this.database = database;
        this.logPrefix = "[" + namespace + "]";
        this.listeners = listeners;
        List<GovernanceListener> observers = new ArrayList<>();
        for (GovernanceListener l : listeners) {
            Boolean observes = observes(l);
            if (Boolean.TRUE.equals(observes)) {
                observers.add(l);
            } else if (observes != null) {
                notObserving.add(l);
            }
        }
        this.events = new JdbcEvents(logPrefix, observers);
        this.snapshot = Snapshot.initial(database);
        this.drainer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "governor-" + namespace + "-" + database + "-drain");
            t.setDaemon(true);
            return t;
        });
        drainer.setRemoveOnCancelPolicy(true);
        drainer.setKeepAliveTime(5, TimeUnit.SECONDS);
        drainer.allowCoreThreadTimeOut(true);
        this.housekeeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "governor-" + namespace + "-" + database + "-housekeeper");
            t.setDaemon(true);
            return t;
        });
        housekeeper.setRemoveOnCancelPolicy(true);
        housekeeper.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        housekeeper.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        housekeeper.setKeepAliveTime(5, TimeUnit.SECONDS);
        housekeeper.allowCoreThreadTimeOut(true);
        this.dataSource = new GovernedDataSource(this);
    }

    /**
     * Creates the runtime of one database with nothing applied yet: until the first {@link #apply},
     * connections fail at first use because there is no data source.
     *
     * @param listeners called for connection and statement events; when empty, no event objects are
     *                  created at all
     */
    public static JdbcRuntime create(String namespace, String database, List<GovernanceListener> listeners) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(database, "database");
        return new JdbcRuntime(namespace, database, List.copyOf(listeners));
    }

    /**
     * Checks one data source the way an instance does before it builds its pool, short of
     * connecting: the same code that builds the pools (pool class on the class path, every property
     * a setter of it whose type the value converts to, a {@code jdbc:} URL for a pool class that
     * takes one, a URL accepted by the registered driver that claims its subprotocol). So what an
     * admin or a start-up accepts, an instance with the same class path builds. A URL that no driver
     * of this process claims passes: whether it connects shows only where the application runs.
     * Does not block (beyond class loading) and opens no connection.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the database, the data source and the
     *         key (with the closest property name for an unknown one); never a secret value
     */
    public static void check(String database, String dataSource, DataSourceConfig config) {
        PoolFactory.check(database, dataSource, config);
    }

    /** {@link #check}s every data source of a database configuration, in name order; fails on the first bad one. */
    public static void checkAll(String database, DatabaseConfig config) {
        for (Map.Entry<String, DataSourceConfig> e : config.dataSources().entrySet()) {
            check(database, e.getKey(), e.getValue());
        }
    }

    /** The governed data source that applications use; always the same object. */
    public GovernedDataSource dataSource() {
        return dataSource;
    }

    /**
     * Applies a complete configuration as a whole: pools of added and changed data sources are built
     * (by reflection, see the pool class's setters) and each must hand out a valid connection within
     * {@code props.poolCheckTimeout()}; then pools, rules, props and revision are swapped in at once.
     * Unchanged data sources keep their pool (the same object); replaced and removed ones are drained.
     * A change of rules or props alone builds nothing.
     *
     * <p>Safe to repeat: applying the running configuration again changes nothing.
     *
     * @param revision the revision of {@code config} + {@code props}, reported by {@link #revision()}
     * @throws GovernanceException {@code INVALID_CONFIG} (unknown pool class or property, a value that
     *         does not convert, a rule naming a data source that is not configured), {@code CONNECT_FAILED}
     *         (a new pool could not hand out a valid connection), {@code TIMEOUT} (it did not within
     *         pool-check-timeout), {@code INTERRUPTED}, {@code CLOSED}. The message names the data source
     *         and its JDBC URL, never a password. Nothing was changed.
     */
    public void apply(DatabaseConfig config, GovernanceProps props, String revision) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(props, "props");
        synchronized (applyLock) {
            Snapshot current = requireOpen("apply revision " + revision);
            checkRule(config);
            Map<String, PoolHandle> next = new TreeMap<>();
            List<PoolHandle> built = new ArrayList<>();
            try {
                for (Map.Entry<String, DataSourceConfig> e : config.dataSources().entrySet()) {
                    PoolHandle old = current.pools.get(e.getKey());
                    if (old != null && old.config().equals(e.getValue())) {
                        next.put(e.getKey(), old);
                    } else {
                        PoolHandle h = build(e.getKey(), e.getValue());
                        built.add(h);
                        next.put(e.getKey(), h);
                    }
                }
                PoolCheck.run(built, props.poolCheckTimeout(), "governor-" + namespace + "-" + database + "-pool-check",
                        database);
                // Swap on the latest snapshot, so a circuit breaker or disable set while the pools were
                // being built and checked is kept.
                synchronized (this) {
                    snapshot = requireOpen("apply revision " + revision).withConfig(config, props, revision, next);
                }
            } catch (RuntimeException e) {
                built.forEach(h -> h.closeNow("the new configuration was not applied"));
                throw e;
            }
            List<String> retired = retire(current.pools, next, props);
            LOG.info("{} database '{}' runs revision {}: pools built {}, draining {}, kept {}", logPrefix, database,
                    revision, names(built), retired, kept(next, built));
        }
    }

    /**
     * Sets the data sources operators disabled (replicas in it get no new connections). Does not block.
     */
    public synchronized void setDisabled(Set<String> disabled) {
        Snapshot current = requireOpen("set disabled data sources");
        if (!current.disabled.equals(disabled)) {
            snapshot = current.withDisabled(disabled);
            LOG.info("{} database '{}': disabled data sources now {}", logPrefix, database, new TreeSet<>(disabled));
        }
    }

    /**
     * Turns the circuit breaker on or off: while on, {@code getConnection()} fails with SQLState
     * {@code 08004}; connections handed out before keep working. Does not block.
     */
    public synchronized void setCircuitBroken(boolean broken) {
        Snapshot current = requireOpen("set circuit breaker");
        if (current.circuitBroken != broken) {
            snapshot = current.withCircuitBroken(broken);
            LOG.info("{} database '{}': circuit breaker {}", logPrefix, database, broken ? "ON" : "OFF");
        }
    }

    /** The revision running now, or null before the first {@link #apply}. */
    public String revision() {
        return snapshot.revision;
    }

    /** Whether the circuit breaker is on. */
    public boolean isCircuitBroken() {
        return snapshot.circuitBroken;
    }

    /** The running pool of a data source, or null. */
    DataSource pool(String name) {
        PoolHandle h = snapshot.pools.get(name);
        return h == null ? null : h.pool();
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** The observers a connection opened now reports to (read once per {@code getConnection()}). */
    JdbcEvents events() {
        return events;
    }

    /**
     * Asks the listeners that answered false from {@link GovernanceListener#observesJdbc()} again
     * (a tracing listener answers true once its tracer is registered). Connections opened from then
     * on report to every listener that now answers true; connections already open keep reporting to
     * the listeners they started with, so every connection's events stay paired. A listener that
     * answers true is not asked again; one that throws is logged and never asked again. Called by
     * the database's governance thread every few seconds for as long as this returns true. Does not
     * block (beyond the listeners' own answers).
     *
     * @return whether some listener still does not observe JDBC (so it is worth asking again later);
     *         false once the runtime is closed
     */
    public boolean refreshObservers() {
        synchronized (observersLock) {
            if (notObserving.isEmpty() || snapshot.closed) {
                return false;
            }
            Map<GovernanceListener, Boolean> started = new IdentityHashMap<>();
            for (Iterator<GovernanceListener> it = notObserving.iterator(); it.hasNext(); ) {
                GovernanceListener l = it.next();
                Boolean observes = observes(l);
                if (observes == null || observes) {
                    it.remove();
                    if (observes != null) {
                        started.put(l, Boolean.TRUE);
                    }
                }
            }
            if (!started.isEmpty()) {
                JdbcEvents current = events;
                List<GovernanceListener> observers = new ArrayList<>();
                for (GovernanceListener l : listeners) {
                    if (current.delivers(l) || started.containsKey(l)) {
                        observers.add(l);
                    }
                }
                events = new JdbcEvents(logPrefix, observers);
                LOG.info("{} database '{}': {} now observe{} JDBC; connections opened from now on report to {}",
                        logPrefix, database, listenerNames(started.keySet()), started.size() == 1 ? "s" : "",
                        started.size() == 1 ? "it" : "them");
            }
            return !notObserving.isEmpty();
        }
    }

    /** The listener's {@code observesJdbc()}; null when it threw (logged; it gets no JDBC events). */
    private static Boolean observes(GovernanceListener l) {
        try {
            return l.observesJdbc();
        } catch (RuntimeException | LinkageError t) {
            LOG.warn("listener {} threw from observesJdbc(); it gets no JDBC events", l.getClass().getName(), t);
            return null;
        }
    }

    private static List<String> listenerNames(Collection<GovernanceListener> listeners) {
        return listeners.stream().map(l -> l.getClass().getName()).sorted().toList();
    }

    String database() {
        return database;
    }

    /**
     * Closes the runtime: {@code getConnection()} fails from now on; idle pools close at once and
     * pools with lent connections when those return or after {@code drain-timeout}. Does not block;
     * the drain thread ends when the last pending drain is done. Idempotent.
     */
    @Override
    public synchronized void close() {
        Snapshot current = snapshot;
        if (current.closed) {
            return;
        }
        snapshot = current.asClosed();
        retire(current.pools, Map.of(), current.props);
        drainer.shutdown();
        // Pools still draining lose their periodic housekeeping (idle eviction, keep-alive); they
        // close within drain-timeout anyway.
        housekeeper.shutdown();
        LOG.info("{} database '{}': governed data source closed", logPrefix, database);
    }

    private Snapshot requireOpen(String operation) {
        Snapshot current = snapshot;
        if (current.closed) {
            throw new GovernanceException(ErrorCode.CLOSED, operation + " of database '" + database
                    + "': the governed data source is closed");
        }
        return current;
    }

    private void checkRule(DatabaseConfig config) {
        ReadwriteSplittingRule rule = config.rule(ReadwriteSplittingRule.class);
        if (rule == null) {
            return;
        }
        for (String name : rule.dataSourceNames()) {
            if (!config.dataSources().containsKey(name)) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "database '" + database
                        + "': rule !READWRITE_SPLITTING names data source '" + name + "', which is not configured");
            }
        }
    }

    private PoolHandle build(String name, DataSourceConfig config) {
        String poolName = "governor-" + namespace + "-" + database + "-" + name;
        DataSource pool = PoolFactory.build(database, name, config, poolName, housekeeper);
        LOG.debug("{} database '{}': built pool of data source '{}' ({})", logPrefix, database, name,
                Secrets.maskUrl(config.jdbcUrl()));
        return new PoolHandle(logPrefix + " database '" + database + "':", name, config, pool);
    }

    /** Retires every pool of {@code before} that is not (the same object) in {@code after}. */
    private List<String> retire(Map<String, PoolHandle> before, Map<String, PoolHandle> after, GovernanceProps props) {
        Map<PoolHandle, Boolean> keep = new IdentityHashMap<>();
        after.values().forEach(h -> keep.put(h, Boolean.TRUE));
        long drainMillis = props.drainTimeout().toMillis();
        List<String> retired = new ArrayList<>();
        for (PoolHandle h : before.values()) {
            if (!keep.containsKey(h)) {
                retired.add(h.name());
                h.retire(task -> drainer.schedule(task, drainMillis, TimeUnit.MILLISECONDS));
            }
        }
        return retired;
    }

    private static List<String> names(List<PoolHandle> handles) {
        return handles.stream().map(PoolHandle::name).toList();
    }

    private static List<String> kept(Map<String, PoolHandle> next, List<PoolHandle> built) {
        return next.values().stream().filter(h -> !built.contains(h)).map(PoolHandle::name).toList();
    }
}
