package io.governor.repository.apollo;

import io.governor.api.GovernanceException;
import io.governor.api.repository.Paths;

import java.util.Optional;

/**
 * Maps repository keys to Apollo item keys and back.
 *
 * <p>The item key is the key itself, prefixed with {@code /<namespace>} when the repository has a
 * namespace: {@code /config/props} in namespace {@code orders} is the item {@code /orders/config/props}.
 * Every character of the key grammar ({@link Paths}) is legal in an Apollo item key, so the mapping
 * is the identity after the prefix and round-trips every legal key. Item keys that do not decode to
 * a legal key under this prefix (other items of the same Apollo namespace, such as {@code timeout})
 * are not this repository's and are ignored.
 *
 * <p>The leading {@code /} also keeps the items apart from JVM system properties and environment
 * variables, which the Apollo client lets override an item of the same name.
 *
 * <p>Immutable and thread-safe.
 */
final class ItemKeys {

    private final String prefix;

    ItemKeys(String namespace) {
        this.prefix = namespace.isEmpty() ? "" : "/" + namespace;
    }

    /** The item key of a legal repository key. */
    String toItemKey(String key) {
        return prefix + key;
    }

    /** The repository key an item key stands for, or empty if the item is not this repository's. */
    Optional<String> toKey(String itemKey) {
        if (itemKey == null || !itemKey.startsWith(prefix) || itemKey.length() <= prefix.length() + 1
                || itemKey.charAt(prefix.length()) != '/') {
            return Optional.empty();
        }
        String key = itemKey.substring(prefix.length());
        try {
            Paths.requireKey(key);
            return Optional.of(key);
        } catch (GovernanceException e) {
            return Optional.empty();
        }
    }
}
