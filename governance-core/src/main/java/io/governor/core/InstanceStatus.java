package io.governor.core;

import io.governor.api.GovernanceException;
import io.governor.core.service.RegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * This instance's status document: kept in memory, changed under one lock and re-published as the
 * ephemeral status node after every change. A publish that fails (center unreachable) is logged;
 * the next change or reconnect publishes the latest content. It carries what the instance has
 * applied: revisions, rejections, circuit state and disabled data sources, each published after it
 * took effect (so an admin waiting for it knows it is in force). Thread-safe.
 */
final class InstanceStatus implements DatabaseGovernor.StatusSink {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceStatus.class);

    private final RegistryService registry;
    private final String namespace;
    private InstanceInfo info;
    private boolean closed;

    InstanceStatus(RegistryService registry, String namespace, String instanceId) {
        this.registry = registry;
        this.namespace = namespace;
        this.info = new InstanceInfo(instanceId, InstanceIds.host(), ProcessHandle.current().pid(), Instant.now(),
                Version.current(), InstanceState.ONLINE, Map.of(), Map.of());
    }

    /** Publishes the current content again (after a reconnect, or at start-up). */
    void publish() {
        update(s -> s);
    }

    void state(InstanceState state) {
        update(s -> new InstanceInfo(s.id(), s.host(), s.pid(), s.started(), s.version(), state, s.appliedRevisions(),
                s.errors(), s.disabledDataSources()));
    }

    @Override
    public void disabled(String db, Set<String> disabled) {
        synchronized (this) {
            if (info.disabledDataSources(db).equals(disabled)) {
                return;
            }
        }
        update(s -> {
            Map<String, Set<String>> all = new TreeMap<>(s.disabledDataSources());
            all.put(db, disabled);
            return new InstanceInfo(s.id(), s.host(), s.pid(), s.started(), s.version(), s.state(), s.appliedRevisions(),
                    s.errors(), all);
        });
    }

    @Override
    public void applied(String db, String revision) {
        update(s -> {
            Map<String, String> revs = new TreeMap<>(s.appliedRevisions());
            revs.put(db, revision);
            Map<String, String> errs = new TreeMap<>(s.errors());
            errs.remove(db);
            return new InstanceInfo(s.id(), s.host(), s.pid(), s.started(), s.version(), s.state(), revs, errs,
                    s.disabledDataSources());
        });
    }

    @Override
    public void rejected(String db, String message) {
        update(s -> {
            Map<String, String> errs = new TreeMap<>(s.errors());
            errs.put(db, message);
            return new InstanceInfo(s.id(), s.host(), s.pid(), s.started(), s.version(), s.state(), s.appliedRevisions(),
                    errs, s.disabledDataSources());
        });
    }

    /** Stops publishing (before the instance unregisters). */
    synchronized void close() {
        closed = true;
    }

    private synchronized void update(UnaryOperator<InstanceInfo> change) {
        info = change.apply(info);
        if (closed) {
            return;
        }
        try {
            registry.publishStatus(info);
        } catch (GovernanceException e) {
            LOG.warn("[{}] could not publish the status of {} ({}); it is re-published on reconnect",
                    namespace, info.id(), e.getMessage());
        }
    }
}
