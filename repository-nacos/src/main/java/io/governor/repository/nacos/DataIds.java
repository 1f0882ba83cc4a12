package io.governor.repository.nacos;

import io.governor.api.repository.Paths;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps repository keys to Nacos dataIds, which allow letters, digits and {@code -_.:} only.
 *
 * <p>The namespace, when set, is the first segment. Segments are joined with {@code .}; inside a
 * segment {@code _} becomes {@code __}, {@code .} becomes {@code _d}, {@code @} becomes {@code _a}
 * and {@code +} becomes {@code _p}; letters, digits, {@code -} and {@code :} stay. So
 * {@code /config/databases/orders} in namespace {@code shop} is {@code shop.config.databases.orders},
 * and {@code /a.b/c@d} is {@code a_db.c_ad}. The encoding is reversible ({@link #decode}) and
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

    /** The path an unhashed value dataId encodes, or null if it encodes none. */
    static String decode(String dataId) {
        StringBuilder sb = new StringBuilder("/");
        for (int i = 0; i < dataId.length(); i++) {
            char c = dataId.charAt(i);
            if (c == '.') {
                sb.append('/');
            } else if (c == '_') {
                if (++i >= dataId.length()) {
                    return null;
                }
                switch (dataId.charAt(i)) {
                    case '_' -> sb.append('_');
                    case 'd' -> sb.append('.');
                    case 'a' -> sb.append('@');
                    case 'p' -> sb.append('+');
                    default -> {
                        return null;
                    }
                }
            } else {
                sb.append(c);
            }
        }
        String path = sb.toString();
        return Paths.isAtOrBelow(path, "/") && isLegal(path) ? path : null;
    }

    /** Whether {@code name} uses only the characters Nacos accepts in a dataId or group. */
    static boolean isValidNacosName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!ascii && c != '-' && c != '_' && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLegal(String path) {
        try {
            Paths.requireKey(path);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String bound(String dataId) {
        if (dataId.length() <= MAX_LENGTH) {
            return dataId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(dataId.getBytes(StandardCharsets.UTF_8));
            return dataId.substring(0, HASHED_PREFIX) + "_h" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
