package io.governor.repository.apollo;

import io.governor.api.repository.Paths;
import io.governor.api.repository.support.Digests;
import io.governor.api.repository.support.VersionedText;

import java.util.Optional;

/**
 * Maps repository keys to Apollo item keys and back.
 *
 * <p>The full item key is the key itself, prefixed with {@code /<namespace>} when the repository has
 * a namespace: {@code /config/props} in namespace {@code orders} is {@code /orders/config/props}.
 * Every character of the key grammar ({@link Paths}) is legal in an Apollo item key, so this is the
 * identity after the prefix and round-trips every legal key. The leading {@code /} keeps the items
 * apart from JVM system properties and environment variables, which the Apollo client lets
 * override an item of the same name.
 *
 * <p>Apollo limits item keys ({@code item.key.length.limit}, 128 characters by default). A full item
 * key longer than {@code maxItemKeyLength} is stored under {@code ~} followed by the SHA-256 of the
 * full item key, and the full item key is recorded in the value's header ({@link VersionedText}), so
 * such keys still round-trip. {@code ~} is not legal in a key, so hashed and plain item keys never
 * collide.
 *
 * <p>Item keys that decode to no legal key under this repository's prefix (other items of the
 * same Apollo namespace, such as {@code timeout}) are not this repository's and are ignored.
 *
 * <p>Immutable and thread-safe.
 */
final class ItemKeys {

    static final String HASHED = "~";

    private final String prefix;
    private final int maxItemKeyLength;

    ItemKeys(String namespace, int maxItemKeyLength) {
        this.prefix = namespace.isEmpty() ? "" : "/" + namespace;
        this.maxItemKeyLength = maxItemKeyLength;
    }

    /** The full item key of a legal repository key, before any hashing. */
    String fullItemKey(String key) {
        return prefix + key;
    }

    /** Whether {@code key} is stored under a hashed item key. */
    boolean hashed(String key) {
        return fullItemKey(key).length() > maxItemKeyLength;
    }

    /** The item key a repository key is stored under. */
    String toItemKey(String key) {
        String full = fullItemKey(key);
        return full.length() > maxItemKeyLength ? HASHED + Digests.sha256(full) : full;
    }

    /**
     * The repository key an item stands for, or empty if the item is not this repository's. A hashed
     * item key is resolved through the full item key recorded in its stored value.
     */
    Optional<String> toKey(String itemKey, String stored) {
        if (itemKey == null) {
            return Optional.empty();
        }
        String full = itemKey;
        if (itemKey.startsWith(HASHED)) {
            full = stored == null ? null : VersionedText.fullKey(stored);
            if (full == null || !itemKey.equals(HASHED + Digests.sha256(full))) {
                return Optional.empty();
            }
        }
        String key = full.startsWith(prefix) ? full.substring(prefix.length()) : null;
        return Paths.isKey(key) ? Optional.of(key) : Optional.empty();
    }
}
