package io.governor.api.repository;

import io.governor.api.GovernanceException;

import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The plain {@link BulkReads}: one {@link Repository#get} per node, {@link Repository#watch} for
 * {@code watchKeys}. Holds nothing but the repository, so it is as thread-safe as the repository.
 */
final class PlainReads implements BulkReads {

    private final Repository repository;

    PlainReads(Repository repository) {
        this.repository = repository;
    }

    @Override
    public SortedMap<String, VersionedValue> childValues(String key) {
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        for (String name : repository.children(key)) {
            repository.get(Paths.join(key, name)).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    @Override
    public SortedMap<String, VersionedValue> readAll(Collection<String> keys, Collection<String> parents) {
        try {
            Paths.requireReadAll(keys, parents);
        } catch (GovernanceException e) {
            throw new GovernanceException(e.code(), "readAll on " + repository.type() + " repository: "
                    + e.getMessage(), e);
        }
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        for (String key : keys) {
            repository.get(key).ifPresent(v -> out.put(key, v));
        }
        for (String parent : parents) {
            childValues(parent).forEach((name, v) -> out.put(Paths.join(parent, name), v));
        }
        return out;
    }

    @Override
    public Watch watchKeys(String prefix, WatchListener listener) {
        return repository.watch(prefix, listener);
    }
}
