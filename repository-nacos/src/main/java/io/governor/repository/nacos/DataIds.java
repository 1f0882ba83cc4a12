package io.governor.repository.nacos;

import io.governor.api.repository.support.Digests;

/**
 * Maps repository keys to Nacos dataIds, which allow letters, digits and {@code -_.:} only.
 *
 * <p>The namespace, when set, is the first segment. Segments are joined with {@code .}; inside a
 * segment {@code _} becomes {@code __}, {@code .} becomes {@code _d}, {@code @} becomes {@code _a}
 * and {@code +} becomes {@code _p}; letters, digits, {@code -} and {@code :} stay. So
 * {@code /config/databases/orders} in namespace {@code shop} is {@code shop.config.databases.orders},
 * and {@code /a.b/c@d} is {@code a_db.c_ad}. The encoding is reversible (the tests decode it) and
 * injective. The child index of a key is its dataId followed by {@code ._i}, the root's is
 * {@code <namespace>._i} (or {@code _i} without namespace); {@code _i} never occurs in an encoded
 * key, so index and value dataIds never collide.
 *
 * <p>Nacos stores dataIds in a column of {@value #MAX_LENGTH} characters. A dataId that would be
 * longer keeps its first 180 characters and ends with {@code _h} and the SHA-256 of the full dataId;
 * such dataIds are one-way, which is harmless because the repository always starts from the key
 * (children come from index documents, not from dataIds).
 *
 * <p>Immutable and thread-safe.
 */
final class DataIds {

    static final int MAX_LENGTH = 255;
    private static final int HASHED_PREFIX = 180;
    private static final String INDEX = "_i";

    private final String namespace;

    DataIds(String namespace) {
        this.namespace = namespace;
    }

    /** The dataId holding the value of a key (not the root). */
    String value(String key) {
        return bound(encode(full(key)));
    }

    /** The dataId holding the child index of a key or of the root. */
    String index(String key) {
        String full = full(key);
        return "/".equals(full) ? INDEX : bound(encode(full) + "." + INDEX);
    }

    private String full(String key) {
        if (namespace.isEmpty()) {
            return key;
        }
        return "/".equals(key) ? "/" + namespace : "/" + namespace + key;
    }

    /** Encodes a path (without the leading {@code /}) as described above. */
    static String encode(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 8);
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            switch (c) {
                case '/' -> sb.append('.');
                case '_' -> sb.append("__");
                case '.' -> sb.append("_d");
                case '@' -> sb.append("_a");
                case '+' -> sb.append("_p");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whether {@code name} uses only the characters Nacos accepts in a dataId or group. */
    static boolean isValidNacosName(String name) {
        return name != null && name.matches("[A-Za-z0-9_.:-]+");
    }

    private static String bound(String dataId) {
        if (dataId.length() <= MAX_LENGTH) {
            return dataId;
        }
        return dataId.substring(0, HASHED_PREFIX) + "_h" + Digests.sha256(dataId);
    }
}
