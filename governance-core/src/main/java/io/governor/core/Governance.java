package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.RuleCodec;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StateEvent;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.Watch;
import io.governor.core.jdbc.GovernedDataSource;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Governor's entry point for an application instance: connects the config and registry centers,
 * applies the bootstrap mode, starts governing every database of the local configuration, registers
 * this instance and follows operator control. Build one per application instance from a
 * {@link GovernanceConfig} or a {@code governor.yaml} file, and close it on shutdown.
 *
 * <p>Start-up blocks until the centers are reached and every database's configuration is applied.
 * Reaching the centers takes at most {@code startupTimeout} in all: a center that is down is tried
 * again until that time is spent, whatever the backend's own connect timeout; the later steps are
 * bounded by the center's request timeout and {@code pool-check-timeout}. Start-up fails with a
 * {@link GovernanceException} and leaves nothing running otherwise. The local configuration is
 * written to the center (seeded, or overwritten with {@code bootstrap: local}) only after it was
 * checked and its pools connected here, so a failed start leaves the center as it was; a failure
 * on the center's configuration says that the center's was used, and where it came from. A
 * database whose current revision cannot start here starts on its last good revision instead
 * (logged as a WARN, shown in the status, the current one retried), unless
 * {@code governance.strictStartup} is on; see {@link GovernanceAdmin#awaitConvergence} for how that
 * revision is recorded.
 *
 * <p>Threads: repository callbacks (watch events, connection state) only record that work is due,
 * and never block. Configuration is applied on each database's governance thread
 * ({@code governor-<namespace>-<db>-governance}). A data source control event is applied where it
 * is delivered: the value it carries needs no read and no pool, only a swap of the routing
 * snapshot, so listeners hear of it at once; its status write is only recorded. The instance's
 * own control (circuit breaker), the resynchronisation after a reconnect and the coalesced status
 * writes run on one control thread ({@code governor-<namespace>-control}) owned by this object.
 *
 * <p>Thread-safe. {@link #close()} stops watching, unregisters the instance, closes pools and
 * center connections, and leaves no thread running.
 */
public final class Governance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Governance.class);

    private final GovernanceConfig cfg;
    private final String namespace;
    private final Listeners listeners;
    private final Centers centers;
    private final String instanceId;
    private final GovernanceAdmin admin;
    private final Map<String, DatabaseGovernor> governors = new LinkedHashMap<>();
    private final Map<String, JdbcRuntime> jdbc = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Watch> watches = new ArrayList<>();
    private final ConnectionStateListener connectionListener;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Instance control, resync after reconnect and status writes, one task at a time. */
    private final ControlThread control;
    /** The latest watched value of this instance's control node ("" once deleted), not yet applied. */
    private final AtomicReference<String> instanceControlEvent = new AtomicReference<>();
    /** {@link System#nanoTime()} by which start-up must be done: {@code startupTimeout} after it began. */
    private final long startDeadline;
    private InstanceStatus status;
    private volatile InstanceState state = InstanceState.ONLINE;

    private Governance(Builder b) {
        this.cfg = b.config;
        this.namespace = cfg.namespace();
        this.startDeadline = System.nanoTime() + cfg.startupTimeout().toNanos();
        this.listeners = new Listeners(b.allListeners());
        RuleCodecs codecs = RuleCodecs.load(b.codecs);
        this.centers = Centers.connect(cfg, codecs, startDeadline);
        this.instanceId = InstanceIds.next();
        this.admin = new GovernanceAdmin(namespace, centers.config(), centers.registry(), centers.instances(), () -> { });
        this.connectionListener = this::connectionStateChanged;
        this.control = new ControlThread(namespace);
        try {
            requireTimeLeft("start governing");
            start();
        } catch (RuntimeException e) {
            LOG.error("[{}] start-up failed: {}", namespace, e.getMessage());
            close();
            throw e;
        }
    }

    /** A builder for an instance governed by {@code config}. */
    public static Builder builder(GovernanceConfig config) {
        return new Builder(config);
    }

    /**
     * Reads a {@code governor.yaml} file into a configuration (rule codecs found by ServiceLoader).
     * A file larger than 4 MiB is refused by its size before it is read.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the file (and the line and key)
     */
    public static GovernanceConfig readConfig(Path file) {
        return new YamlCodec(RuleCodecs.load()).readGovernanceConfig(file);
    }

    /** Starts an instance from a {@code governor.yaml} file, with listeners found by ServiceLoader. */
    public static Governance fromYaml(Path file) {
        return builder(readConfig(file)).build();
    }

    private void start() {
        status = new InstanceStatus(centers.instances(), namespace, instanceId, cfg.labels(), control);
        state = centers.instances().instanceControl(instanceId);
        if (state != InstanceState.ONLINE) {
            status.state(state);
        }
        for (String db : cfg.databases().keySet()) {
            JdbcRuntime rt = JdbcRuntime.create(namespace, db, listeners.all());
            jdbc.put(db, rt);
            DatabaseGovernor g = new DatabaseGovernor(namespace, instanceId, db, centers.config(), centers.registry(),
                    rt, listeners, status, cfg.labels());
            governors.put(db, g);
            if (state == InstanceState.CIRCUIT_BREAKER) {
                g.setCircuitBroken(true);
            }
        }
        new Bootstrap(cfg, centers.config()).start(governors);
        Watch configWatch = centers.config().watch(this::configChanged);
        watches.add(configWatch);
        governors.values().forEach(g -> g.readThrough(configWatch));
        watches.add(centers.registry().watchControl(this::controlChanged));
        centers.registryRepository().addConnectionStateListener(connectionListener);
        // Re-read once after the watches are in place, so nothing written during start-up is missed.
        governors.values().forEach(g -> {
            g.markDirty();
            g.markControlDirty();
        });
        status.publishNow();
        LOG.info("[{}] instance {} registered; governing databases {}", namespace, instanceId, governors.keySet());
    }

    /**
     * Fails start-up with {@code TIMEOUT} when connecting the centers used up {@code startupTimeout}.
     * The steps after it (bootstrap, building and checking pools, registering) are each bounded by
     * the center's request timeout and {@code pool-check-timeout}.
     */
    private void requireTimeLeft(String step) {
        if (System.nanoTime() - startDeadline >= 0) {
            throw new GovernanceException(ErrorCode.TIMEOUT, "start-up did not finish within startupTimeout ("
                    + cfg.startupTimeout().toMillis() + " ms): no time left to " + step);
        }
    }

    /** This instance's id, {@code host@pid@random}. */
    public String instanceId() {
        return instanceId;
    }

    /** The namespace. */
    public String namespace() {
        return namespace;
    }

    /** The admin API on this instance's connections; closing it does nothing. */
    public GovernanceAdmin admin() {
        return admin;
    }

    /** The operator-set state this instance applies. */
    public InstanceState state() {
        return state;
    }

    /** The databases this instance governs. */
    public Set<String> databases() {
        return Collections.unmodifiableSet(new TreeSet<>(governors.keySet()));
    }

    /**
     * The governed DataSource of a database this instance governs (one of the databases of the
     * local configuration). The same object on every call; it is closed by {@link #close()}.
     *
     * @throws GovernanceException {@code NOT_FOUND} if the database is not governed here
     */
    public GovernedDataSource dataSource(String db) {
        governor(db);
        JdbcRuntime rt = jdbc.get(db);
        if (rt == null) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "database '" + db + "' has no governed DataSource");
        }
        return rt.dataSource();
    }

    /** The configuration this instance currently runs for a database, or {@code NOT_FOUND}. */
    public DatabaseConfig configuration(String db) {
        return governor(db).current();
    }

    /** The revision this instance currently runs for a database, or {@code NOT_FOUND}. */
    public String appliedRevision(String db) {
        return governor(db).appliedRevision();
    }

    /**
     * A named distributed lock shared by every instance of the namespace. Lock acquisition, release
     * and loss are reported to listeners.
     */
    public DistributedLock lock(String name) {
        return ReportingLock.of(centers.registry().lock(name), namespace, listeners);
    }

    /** The registry repository (tests use it to inject faults). */
    io.governor.api.repository.RegistryRepository registryRepository() {
        return centers.registryRepository();
    }

    DatabaseGovernor governor(String db) {
        DatabaseGovernor g = governors.get(db);
        if (g == null) {
            throw new GovernanceException(ErrorCode.NOT_FOUND, "database '" + db + "' is not governed by this instance; governed: "
                    + governors.keySet());
        }
        return g;
    }

    private void configChanged(ChangeEvent e) {
        String db = NodePaths.databaseOf(e.key());
        if (db != null) {
            DatabaseGovernor g = governors.get(db);
            if (g != null) {
                g.markDirty();
            }
        } else if (e.key().equals(NodePaths.PROPS)) {
            governors.values().forEach(DatabaseGovernor::markDirty);
        }
    }

    /**
     * On the repository's watch delivery: records what changed, or applies a data source's control
     * value (a routing swap, see {@link DatabaseGovernor#controlChanged}); never blocks.
     */
    private void controlChanged(ChangeEvent e) {
        if (e.key().equals(NodePaths.instanceControl(instanceId))) {
            String value = e.type() == ChangeEvent.Type.DELETED || e.value() == null ? "" : e.value();
            if (instanceControlEvent.getAndSet(value) == null) {
                control.execute(this::applyInstanceControlEvent);
            }
        } else if (e.key().startsWith(NodePaths.CONTROL_DATABASES + "/")) {
            // /control/databases/{db}/datasources/{ds}
            String[] parts = e.key().substring(NodePaths.CONTROL_DATABASES.length() + 1).split("/");
            DatabaseGovernor g = governors.get(parts[0]);
            if (g == null) {
                return;
            }
            if (parts.length == 3 && parts[1].equals("datasources") && e.type() != ChangeEvent.Type.DELETED
                    && e.value() != null) {
                g.controlChanged(parts[2], e.value());
            } else if (parts.length == 3 && parts[1].equals("datasources")) {
                g.controlChanged(parts[2], null);
            } else if (e.type() == ChangeEvent.Type.DELETED) {
                // a parent went: re-read rather than rely on one event per child
                g.markControlDirty();
            }
        }
    }

    private void applyInstanceControlEvent() {
        String value = instanceControlEvent.getAndSet(null);
        if (value != null) {
            applyState(value.isEmpty() ? InstanceState.ONLINE : readState(value));
        }
    }

    private InstanceState readState(String value) {
        try {
            return InstanceState.valueOf(value.trim());
        } catch (RuntimeException ex) {
            LOG.warn("[{}] control node of {} holds '{}', not ONLINE or CIRCUIT_BREAKER; ignored", namespace, instanceId, value);
            return state;
        }
    }

    /** On the control thread (or start-up's thread before the watches exist). */
    private void applyState(InstanceState next) {
        if (next == state) {
            return;
        }
        state = next;
        LOG.info("[{}] instance {} is now {}", namespace, instanceId, next);
        governors.values().forEach(g -> g.setCircuitBroken(next == InstanceState.CIRCUIT_BREAKER));
        status.state(next);
        listeners.state(new StateEvent(namespace, StateEvent.Kind.INSTANCE, instanceId, next.name()));
    }

    /** On the repository's connection thread: reports, and leaves the resync to the control thread. */
    private void connectionStateChanged(ConnectionState s) {
        LOG.info("[{}] registry center connection {}", namespace, s);
        listeners.state(new StateEvent(namespace, StateEvent.Kind.CONNECTION, centers.registryRepository().type(), s.name()));
        if (s == ConnectionState.RECONNECTED && !closed.get()) {
            control.execute(this::resyncAfterReconnect);
        }
    }

    /**
     * The repository re-created the status node; make sure it carries the latest content, and catch
     * up with anything the watches coalesced. Blocks on the registry center (control thread).
     */
    private void resyncAfterReconnect() {
        try {
            status.rewrite();
            applyState(centers.instances().instanceControl(instanceId));
            governors.values().forEach(g -> {
                g.markDirty();
                g.markControlDirty();
            });
        } catch (RuntimeException ex) {
            LOG.warn("[{}] resync after reconnect failed: {}", namespace, ex.getMessage());
        }
    }

    /** Stops governing, unregisters, closes pools and center connections. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        centers.registryRepository().removeConnectionStateListener(connectionListener);
        watches.forEach(Watch::close);
        if (status != null) {
            status.close();
        }
        control.close();
        governors.values().forEach(DatabaseGovernor::close);
        try {
            centers.registry().unregister(instanceId);
        } catch (RuntimeException e) {
            LOG.debug("[{}] unregister {} failed: {}", namespace, instanceId, e.getMessage());
        }
        centers.close();
        LOG.info("[{}] instance {} closed", namespace, instanceId);
    }

    /** Builds a {@link Governance}. Not thread-safe. */
    public static final class Builder {
        private final GovernanceConfig config;
        private final List<GovernanceListener> listeners = new ArrayList<>();
        private final List<RuleCodec<?>> codecs = new ArrayList<>();
        private boolean loadListeners = true;

        private Builder(GovernanceConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /** Adds a listener (in addition to those found by ServiceLoader). */
        public Builder listener(GovernanceListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Whether to add the listeners found by ServiceLoader; default true. */
        public Builder serviceLoaderListeners(boolean load) {
            this.loadListeners = load;
            return this;
        }

        /** Adds a rule codec (in addition to those found by ServiceLoader). */
        public Builder ruleCodec(RuleCodec<?> codec) {
            codecs.add(java.util.Objects.requireNonNull(codec, "codec"));
            return this;
        }

        List<GovernanceListener> allListeners() {
            List<GovernanceListener> all = new ArrayList<>();
            if (loadListeners) {
                ServiceLoader.load(GovernanceListener.class, Governance.class.getClassLoader()).forEach(all::add);
            }
            all.addAll(listeners);
            return all;
        }

        /**
         * Connects, bootstraps, starts governing and registers.
         *
         * @throws GovernanceException when a center cannot be reached or lacks a capability, or a
         *         database's configuration is missing or invalid; nothing is left running
         */
        public Governance build() {
            return new Governance(this);
        }
    }
}
