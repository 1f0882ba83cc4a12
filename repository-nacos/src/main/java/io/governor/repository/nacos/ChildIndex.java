package io.governor.repository.nacos;

import io.governor.api.repository.Paths;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The index document that lists the children of one key: a header line, then one child name per
 * line, sorted. The header keeps the document from ever being blank (Nacos refuses blank content),
 * so an index with no children is still a document and compare-and-set works on it like on any
 * other. The repository stores it behind a {@code VersionedText} version header, which
 * {@link #parse} skips like any line that is no name. Stateless and thread-safe.
 */
final class ChildIndex {

    static final String HEADER = "# governor child index";

    private ChildIndex() {
    }

    /** The child names in index content; null content (no index) has none. Lines that are no legal name are ignored. */
    static TreeSet<String> parse(String content) {
        TreeSet<String> names = new TreeSet<>();
        if (content != null) {
            for (String line : content.split("\n")) {
                if (Paths.isSegment(line)) {
                    names.add(line);
                }
            }
        }
        return names;
    }

    static String format(Collection<String> names) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (String name : new TreeSet<>(names)) {
            sb.append('\n').append(name);
        }
        return sb.toString();
    }
}
