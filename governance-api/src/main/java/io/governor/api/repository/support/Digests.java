package io.governor.api.repository.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Lower-case hex digests of the UTF-8 bytes of a text: for backends that store an over-long key
 * under its hash, or compare content by the MD5 the server keeps. Stateless and thread-safe.
 */
public final class Digests {

    private Digests() {
    }

    /** The SHA-256 of {@code text}, 64 hex digits. */
    public static String sha256(String text) {
        return hex("SHA-256", text);
    }

    /** The MD5 of {@code text}, 32 hex digits. */
    public static String md5(String text) {
        return hex("MD5", text);
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JVM", e);
        }
    }
}
