package io.governor.api.repository.support;

import io.governor.api.repository.VersionedValue;

/**
 * A value with its version as one text, for backends that keep no version per key (Apollo, Nacos):
 * one header line, then the value.
 *
 * <pre>
 * # governor-version: 12
 * the value, any text, possibly empty
 * </pre>
 * or, where the backend stores the key under a hash ({@link #encode(String, long, String)}),
 * {@code # governor-version: 12 key: /orders/a/very/long/key} as first line.
 *
 * <p>The writer stores the previous version plus one, so every client reads the same version for
 * the same write, and rewriting a value unchanged still makes a new version. The header is a
 * comment to a YAML reader, so a value stays readable in the backend's console, and it keeps the
 * text from ever being blank. Text without a valid header (written by hand) reads as version 0.
 *
 * <p>Stateless and thread-safe.
 */
public final class VersionedText {

    private static final String HEADER = "# governor-version: ";
    private static final String KEY_MARK = " key: ";

    private VersionedText() {
    }

    /** The text for {@code value} at {@code version}. */
    public static String encode(String value, long version) {
        return encode(value, version, null);
    }

    /** The text for {@code value} at {@code version}, recording {@code fullKey} in the header unless null. */
    public static String encode(String value, long version, String fullKey) {
        return HEADER + version + (fullKey == null ? "" : KEY_MARK + fullKey) + '\n' + value;
    }

    /** The value and version a text holds; a text without a header is a version-0 value. */
    public static VersionedValue decode(String text) {
        String[] header = header(text);
        return header == null ? new VersionedValue(text, 0)
                : new VersionedValue(text.substring(text.indexOf('\n') + 1), Long.parseLong(header[0]));
    }

    /** The version a text holds: {@code decode(text).version()} without copying the value. */
    public static long version(String text) {
        String[] header = header(text);
        return header == null ? 0 : Long.parseLong(header[0]);
    }

    /** The full key recorded in a text's header, or null. */
    public static String fullKey(String text) {
        String[] header = header(text);
        return header == null ? null : header[1];
    }

    /** {version, full key or null}, or null when the text has no valid header. */
    private static String[] header(String text) {
        int end = text.indexOf('\n');
        if (!text.startsWith(HEADER) || end < 0) {
            return null;
        }
        String line = text.substring(HEADER.length(), end);
        int mark = line.indexOf(KEY_MARK);
        String number = mark < 0 ? line : line.substring(0, mark);
        if (number.isEmpty() || number.length() > 19 || !number.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return new String[] {number, mark < 0 ? null : line.substring(mark + KEY_MARK.length())};
    }
}
