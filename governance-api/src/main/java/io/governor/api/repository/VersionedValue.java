package io.governor.api.repository;

import java.util.Objects;

/**
 * A value read from a repository with its version.
 *
 * <p>The version grows with every write to that key (ZooKeeper: the node's modification zxid; etcd: the
 * key's mod revision; memory: a store-wide revision). Versions are comparable for the same key only.
 *
 * @param value   the stored text, never null (an empty value is {@code ""})
 * @param version the key's version at the time of the read
 */
public record VersionedValue(String value, long version) {
    public VersionedValue {
        Objects.requireNonNull(value, "value");
    }
}
