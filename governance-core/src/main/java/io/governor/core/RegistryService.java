package io.governor.core;

import io.governor.api.repository.BulkReads;
import io.governor.api.repository.DistributedLock;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import io.governor.api.repository.WatchListener;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Data source control, instance unregistration and locks on the registry center, in the node
 * layout of {@link NodePaths}. The instances' status documents and instance control are
 * {@code io.governor.core}'s, as they are made of its types. Thread-safe; every call blocks on the
 * repository.
 */
final class RegistryService {

    private static final String ENABLED = "ENABLED";
    private static final String DISABLED = "DISABLED";

    private final RegistryRepository repo;
    private final YamlCodec codec;
    private final String namespace;

    RegistryService(RegistryRepository repo, YamlCodec codec, String namespace) {
        this.repo = repo;
        this.codec = codec;
        this.namespace = namespace;
    }

    RegistryRepository repository() {
        return repo;
    }

    /** Removes this instance's status node (on close). */
    void unregister(String id) {
        repo.delete(NodePaths.instanceStatus(id));
    }

    /** Marks a data source disabled or enabled for every instance. */
    void setDataSourceDisabled(String db, String ds, boolean disabled) {
        Paths.requireSegment(db, "database name");
        Paths.requireSegment(ds, "data source name");
        repo.put(NodePaths.dataSourceControl(db, ds), disabled ? DISABLED : ENABLED);
    }

    /** The data sources of a database that operators disabled. */
    Set<String> disabledDataSources(String db) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, VersionedValue> e : BulkReads.of(repo).childValues(NodePaths.dataSourceControls(db)).entrySet()) {
            if (isDisabled(e.getValue().value())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Whether a data source control node's value means disabled (case and surrounding blanks ignored). */
    static boolean isDisabled(String controlValue) {
        return DISABLED.equals(controlValue.trim().toUpperCase(Locale.ROOT));
    }

    /** Watches everything under {@code /control}. */
    Watch watchControl(WatchListener listener) {
        return repo.watch(NodePaths.CONTROL, listener);
    }

    /** A named lock under {@code /locks/{name}}. */
    DistributedLock lock(String name) {
        return repo.lock(Paths.requireSegment(name, "lock name"));
    }

    String namespace() {
        return namespace;
    }
}
