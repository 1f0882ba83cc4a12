package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

/**
 * Limits applied to every YAML document Governor reads. Documents from a center are untrusted
 * input, so size, nesting, aliases and the number of nodes are bounded; a document beyond any
 * limit is rejected before anything in it is used.
 *
 * <p>The size is checked before the document reaches the parser, by {@link #requireSize}, for a
 * local file (its size on disk, before it is read) and a center node (its text) alike: SnakeYAML's
 * own code point limit does not count comments and is only checked between tokens, and its reader
 * copies its whole window again for every kilobyte of a long token, so a large document could
 * take minutes before any limit applied.
 */
final class YamlLimits {

    /**
     * The largest document, in UTF-8 bytes: 4 MiB. Comments and white space count. Not
     * configurable; a center's own value limit (by default about 1 MB on ZooKeeper, 1.5 MiB on
     * etcd) is lower anyway.
     */
    static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    /** The deepest nesting of mappings and sequences. */
    static final int MAX_NESTING_DEPTH = 32;

    /** The most aliases to mappings or sequences in one document. */
    static final int MAX_ALIASES = 16;

    /** The most nodes read from one document, counting every alias expansion. */
    static final int MAX_NODES = 200_000;

    private YamlLimits() {
    }

    /**
     * Refuses a document of more than {@link #MAX_DOCUMENT_BYTES} UTF-8 bytes.
     *
     * @param source what the document is (a file path, a center node key), for the message
     * @param bytes  the document's size in UTF-8 bytes
     * @param exact  false when {@code bytes} is only how far the document was read
     * @throws GovernanceException {@code INVALID_CONFIG} naming the source, the size and the limit
     */
    static void requireSize(String source, long bytes, boolean exact) {
        if (bytes > MAX_DOCUMENT_BYTES) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": the document is "
                    + (exact ? "" : "at least ") + bytes + " bytes, more than the limit of " + MAX_DOCUMENT_BYTES
                    + " bytes (4 MiB) on a YAML document; refused without parsing it");
        }
    }

    /** {@link #requireSize} for a document's text. */
    static void requireSize(String source, CharSequence text) {
        if ((long) text.length() * 3 > MAX_DOCUMENT_BYTES) { // below that, even 3 bytes a char cannot pass
            requireSize(source, utf8Length(text), true);
        }
    }

    /** The length of {@code text} in UTF-8, counting an unpaired surrogate as the one byte '?' it is encoded to. */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
