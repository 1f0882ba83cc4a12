package io.governor.repository.nacos;

import io.governor.api.repository.VersionedValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content stored in a value's Nacos configuration: one header line with the key's version, then
 * the value.
 *
 * <pre>
 * # governor-version: 12
 * the value, any text, possibly empty
 * </pre>
 *
 * <p>The Nacos client API exposes no version, so the writer stores one: the previous version plus
 * one, written with {@code publishConfigCas} against the content it read, so versions grow strictly
 * even under concurrent writers, every client reads the same version for the same write, and
 * rewriting a value unchanged still produces a new version. The header also keeps the content from
 * ever being blank, which Nacos refuses. It is a comment to a YAML reader. Content without the
 * header (written by hand) reads as version 0.
 *
 * <p>Stateless and thread-safe.
 */
final class StoredValue {

    static final String HEADER = "# governor-version: ";

    /**
     * The MD5 of empty content. Nacos never stores blank content, so a compare-and-set against it
     * succeeds only by creating an absent configuration.
     */
    static final String ABSENT_MD5 = md5("");

    private StoredValue() {
    }

    static String encode(String value, long version) {
        return HEADER + version + '\n' + value;
    }

    /** The value and version of stored content; content without a header is a version-0 value. */
    static VersionedValue decode(String stored) {
        int end = stored.indexOf('\n');
        if (!stored.startsWith(HEADER) || end < 0) {
            return new VersionedValue(stored, 0);
        }
        String number = stored.substring(HEADER.length(), end);
        if (number.isEmpty() || number.length() > 19 || !number.chars().allMatch(Character::isDigit)) {
            return new VersionedValue(stored, 0);
        }
        return new VersionedValue(stored.substring(end + 1), Long.parseLong(number));
    }

    /** The MD5 Nacos keeps for content: lower-case hex of its UTF-8 bytes. */
    static String md5(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }
}
