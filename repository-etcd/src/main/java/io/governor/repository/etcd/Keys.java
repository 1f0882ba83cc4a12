package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;

import java.nio.charset.StandardCharsets;

/**
 * Maps repository paths to etcd keys and back. etcd's keyspace is flat: the path {@code /a/b} in
 * namespace {@code ns} is the etcd key {@code /ns/a/b} (without a namespace: {@code /a/b}). No key is
 * written for a parent; a path's children are derived from the keys below {@code path + "/"}.
 *
 * <p>Because {@code '/'} (0x2F) is followed by {@code '0'} (0x30) in byte order, the range
 * {@code [path, path + "0")} holds the path, every descendant, and only siblings whose next
 * character is one of {@code + - .} ({@code /a+b}, {@code /a-b}, {@code /a.b}); callers filter those
 * with {@link Paths#isAtOrBelow}. Immutable.
 */
final class Keys {

    private final String prefix;

    Keys(String namespace) {
        this.prefix = namespace.isEmpty() ? "" : "/" + namespace;
    }

    /** The etcd key of a path. */
    ByteSequence key(String path) {
        return bytes(prefix + path);
    }

    /** The start of the range holding a path and all its descendants (the namespace root for {@code /}). */
    ByteSequence subtreeStart(String path) {
        return bytes("/".equals(path) ? prefix + "/" : prefix + path);
    }

    /** The exclusive end of {@link #subtreeStart}'s range. */
    ByteSequence subtreeEnd(String path) {
        return bytes("/".equals(path) ? prefix + "0" : prefix + path + "0");
    }

    /** The start of the range of a path's strict descendants ({@code path + "/"}); it ends at {@link #subtreeEnd}. */
    ByteSequence descendantsStart(String path) {
        return bytes("/".equals(path) ? prefix + "/" : prefix + path + "/");
    }

    /**
     * The path of an etcd key, or null when the key is not a legal path inside this namespace (a key
     * written by something else, or in another namespace that shares the prefix).
     */
    String path(ByteSequence key) {
        String k = key.toString(StandardCharsets.UTF_8);
        String p = k.startsWith(prefix) ? k.substring(prefix.length()) : null;
        return Paths.isKey(p) ? p : null;
    }

    /** The direct child name of {@code parent} that an etcd key lies under, or null. */
    String childName(String parent, ByteSequence key) {
        String p = path(key);
        if (p == null || p.equals(parent) || !Paths.isAtOrBelow(p, parent)) {
            return null;
        }
        String rest = "/".equals(parent) ? p.substring(1) : p.substring(parent.length() + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** A key-value's value, versioned by its mod revision. */
    static VersionedValue value(KeyValue kv) {
        return new VersionedValue(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision());
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
