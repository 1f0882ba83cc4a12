package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The instances on the registry center: their status documents ({@code /status/instances/{id}},
 * {@link InstanceInfo}) and the operator's intent for each ({@code /control/instances/{id}},
 * {@link InstanceState}). Thread-safe; every call blocks on the repository.
 */
final class Instances {

    private final RegistryRepository repo;
    private final YamlCodec codec;

    Instances(RegistryRepository repo, YamlCodec codec) {
        this.repo = repo;
        this.codec = codec;
    }

    RegistryRepository repository() {
        return repo;
    }

    /** Writes (or rewrites) this instance's ephemeral status node. */
    void publishStatus(InstanceInfo info) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("host", info.host());
        doc.put("pid", Long.toString(info.pid()));
        doc.put("started", info.started().toString());
        doc.put("version", info.version());
        doc.put("state", info.state().name());
        if (!info.labels().isEmpty()) {
            doc.put("labels", new TreeMap<>(info.labels()));
        }
        Map<String, Object> dbs = new TreeMap<>();
        Set<String> names = union(union(info.appliedRevisions().keySet(), info.errors().keySet()),
                info.disabledDataSources().keySet());
        for (String db : names) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("appliedRevision", info.appliedRevisions().get(db));
            if (info.errors().containsKey(db)) {
                d.put("error", info.errors().get(db));
            }
            if (info.rejectedRevisions().containsKey(db)) {
                d.put("rejectedRevision", info.rejectedRevisions().get(db));
            }
            if (info.runsFallback(db)) {
                d.put("fallback", "true");
            }
            Set<String> disabled = info.disabledDataSources(db);
            if (!disabled.isEmpty()) {
                Map<String, Object> ds = new TreeMap<>();
                disabled.forEach(n -> ds.put(n, "DISABLED"));
                d.put("disabledDataSources", ds);
            }
            dbs.put(db, d);
        }
        doc.put("databases", dbs);
        repo.putEphemeral(NodePaths.instanceStatus(info.id()), codec.writePlainMap(doc));
    }

    /**
     * Every registered instance, sorted by id, read with one {@link BulkReads#childValues}
     * call (one range request on etcd, pipelined reads on ZooKeeper). Instances whose status node is
     * unreadable are skipped.
     */
    List<InstanceInfo> instances() {
        List<InstanceInfo> out = new ArrayList<>();
        for (Map.Entry<String, VersionedValue> e : BulkReads.of(repo).childValues(NodePaths.STATUS_INSTANCES).entrySet()) {
            parse(e.getKey(), e.getValue()).ifPresent(out::add);
        }
        return out;
    }

    /** One instance, if registered. */
    Optional<InstanceInfo> instance(String id) {
        Paths.requireSegment(id, "instance id");
        return repo.get(NodePaths.instanceStatus(id)).flatMap(v -> parse(id, v));
    }

    private Optional<InstanceInfo> parse(String id, VersionedValue v) {
        String key = NodePaths.instanceStatus(id);
        try {
            return Optional.of(parse(id, codec.readPlainMap(v.value(), repo.type() + " node " + key)));
        } catch (GovernanceException | IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static InstanceInfo parse(String id, Map<String, Object> doc) {
        Map<String, String> revisions = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        Map<String, Set<String>> disabled = new TreeMap<>();
        Map<String, String> rejected = new TreeMap<>();
        Set<String> fallbacks = new TreeSet<>();
        Map<String, String> labels = new TreeMap<>();
        if (doc.get("labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        Object dbs = doc.get("databases");
        if (dbs instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (e.getValue() instanceof Map<?, ?> d) {
                    Object rev = d.get("appliedRevision");
                    if (rev != null) {
                        revisions.put(e.getKey(), rev.toString());
                    }
                    Object err = d.get("error");
                    if (err != null) {
                        errors.put(e.getKey(), err.toString());
                    }
                    Object rejectedRev = d.get("rejectedRevision");
                    if (rejectedRev != null) {
                        rejected.put(e.getKey(), rejectedRev.toString());
                    }
                    if ("true".equals(String.valueOf(d.get("fallback")))) {
                        fallbacks.add(e.getKey());
                    }
                    if (d.get("disabledDataSources") instanceof Map<?, ?> ds) {
                        Set<String> names = new TreeSet<>();
                        ds.keySet().forEach(n -> names.add(String.valueOf(n)));
                        disabled.put(e.getKey(), names);
                    }
                }
            }
        }
        Object state = doc.get("state");
        return new InstanceInfo(id, String.valueOf(doc.get("host")), Long.parseLong(String.valueOf(doc.get("pid"))),
                Instant.parse(String.valueOf(doc.get("started"))), String.valueOf(doc.get("version")),
                state == null ? InstanceState.ONLINE : InstanceState.valueOf(state.toString()), revisions, errors, disabled,
                labels, rejected, fallbacks);
    }

    /** The operator's intent for an instance ({@link InstanceState#ONLINE} when none is set). */
    InstanceState instanceControl(String id) {
        return repo.get(NodePaths.instanceControl(id)).map(v -> parseState(v.value(), NodePaths.instanceControl(id)))
                .orElse(InstanceState.ONLINE);
    }

    /** Sets the operator's intent for an instance. */
    void setInstanceControl(String id, InstanceState state) {
        Paths.requireSegment(id, "instance id");
        repo.put(NodePaths.instanceControl(id), state.name());
    }

    static InstanceState parseState(String text, String key) {
        try {
            return InstanceState.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "node " + key + ": '" + text
                    + "' is not an instance state; use ONLINE or CIRCUIT_BREAKER");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }
}
