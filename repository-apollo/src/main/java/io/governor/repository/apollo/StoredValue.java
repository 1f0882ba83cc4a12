package io.governor.repository.apollo;

import io.governor.api.repository.VersionedValue;

/**
 * The text stored in an Apollo item: one header line with the key's version (and, for hashed item
 * keys, the full item key), then the value.
 *
 * <pre>
 * # governor-version: 12
 * the value, any text, possibly empty
 * </pre>
 * or, for a hashed item key, {@code # governor-version: 12 key: /orders/a/very/long/key} as first line.
 *
 * <p>Apollo keeps no version per item, so the writer stores one: the previous version plus one. Every
 * client then reads the same version for the same write, and rewriting a value unchanged still
 * produces a new version. The header is a comment to a YAML reader, so a value stays readable in
 * the portal. Content without the header (written by hand) reads as version 0.
 *
 * <p>Stateless and thread-safe.
 */
final class StoredValue {

    static final String HEADER = "# governor-version: ";
    private static final String KEY_MARK = " key: ";

    private StoredValue() {
    }

    /** The stored text for {@code value} at {@code version}; {@code fullItemKey} is null unless the item key is hashed. */
    static String encode(String value, long version, String fullItemKey) {
        StringBuilder sb = new StringBuilder(HEADER).append(version);
        if (fullItemKey != null) {
            sb.append(KEY_MARK).append(fullItemKey);
        }
        return sb.append('\n').append(value).toString();
    }

    /** The value and version held by stored text; text without a header is a version-0 value. */
    static VersionedValue decode(String stored) {
        String[] header = header(stored);
        if (header == null) {
            return new VersionedValue(stored, 0);
        }
        return new VersionedValue(stored.substring(stored.indexOf('\n') + 1), Long.parseLong(header[0]));
    }

    /** The version held by stored text: {@code decode(stored).version()} without copying the value. */
    static long version(String stored) {
        String[] header = header(stored);
        return header == null ? 0 : Long.parseLong(header[0]);
    }

    /** The full item key recorded in stored text, or null. */
    static String fullItemKey(String stored) {
        String[] header = header(stored);
        return header == null ? null : header[1];
    }

    /** The most header bytes {@link #encode} adds for a full item key of {@code fullItemKeyLength} characters. */
    static int headerBytes(int fullItemKeyLength) {
        return HEADER.length() + 20 + KEY_MARK.length() + fullItemKeyLength + 1;
    }

    /** {version, fullItemKey or null}, or null when the text has no valid header. */
    private static String[] header(String stored) {
        int end = stored.indexOf('\n');
        if (!stored.startsWith(HEADER) || end < 0) {
            return null;
        }
        String line = stored.substring(HEADER.length(), end);
        int mark = line.indexOf(KEY_MARK);
        String number = mark < 0 ? line : line.substring(0, mark);
        if (number.isEmpty() || number.length() > 19 || !number.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return new String[] {number, mark < 0 ? null : line.substring(mark + KEY_MARK.length())};
    }
}
