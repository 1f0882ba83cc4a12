package io.governor.core;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads, without SnakeYAML, exactly the documents {@link YamlWriter#plainMap} writes directly:
 * block mappings indented by two spaces per level, keys and values that are plain text of a safe
 * alphabet or double-quoted printable ASCII with {@code \"}, {@code \\}, {@code \n} and {@code \t}
 * escapes, {@code {}} for an empty mapping, every line ending in a line feed. Anything else, down
 * to a comment, a tab, a trailing space or a duplicate key, gives {@code null}, and the caller reads
 * the document with SnakeYAML instead, which decides what it means or why it is wrong. So the result,
 * when there is one, is what {@code YamlCodec.readPlainMap}'s SnakeYAML path gives for the same text.
 *
 * <p>An admin listing 5,000 instances reads 5,000 status documents; through SnakeYAML that was
 * most of the listing's time (guarded by the scale benchmark's {@code admin.instances()} rows, see
 * docs/decisions.md). Stateless and thread-safe.
 */
final class PlainMapReader {

    /** Longer documents go to the SnakeYAML path, which applies the size limit ({@link YamlLimits#requireSize}). */
    private static final int MAX_CHARS = 64 * 1024;

    private final Resolver resolver;

    PlainMapReader(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The document's mappings, or null when it is not in the directly written form. */
    Map<String, Object> read(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_CHARS || text.charAt(text.length() - 1) != '\n') {
            return null;
        }
        if (text.equals("{}\n")) {
            return new LinkedHashMap<>();
        }
        Deque<Map<String, Object>> open = new ArrayDeque<>();
        open.push(new LinkedHashMap<>());
        Map<String, Object> root = open.peek();
        boolean expectDeeper = false; // the previous line opened a mapping: this one must be inside it
        int nodes = 0;
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int indent = 0;
            while (pos < n && text.charAt(pos) == ' ') {
                indent++;
                pos++;
            }
            if ((indent & 1) != 0) {
                return null;
            }
            int depth = indent / 2;
            int current = open.size() - 1;
            if (expectDeeper ? depth != current : depth > current) {
                return null;
            }
            while (open.size() - 1 > depth) {
                open.pop();
            }
            expectDeeper = false;
            // key
            int[] end = new int[1];
            String key = token(text, pos, end, true);
            if (key == null) {
                return null;
            }
            pos = end[0];
            if (pos >= n || text.charAt(pos) != ':') {
                return null;
            }
            pos++;
            Map<String, Object> into = open.peek();
            if (into.containsKey(key) || ++nodes > YamlLimits.MAX_NODES) {
                return null;
            }
            char c = text.charAt(pos);
            if (c == '\n') {
                if (open.size() >= YamlLimits.MAX_NESTING_DEPTH) {
                    return null;
                }
                Map<String, Object> nested = new LinkedHashMap<>();
                into.put(key, nested);
                open.push(nested);
                expectDeeper = true;
                pos++;
                continue;
            }
            if (c != ' ') {
                return null;
            }
            pos++;
            Object value;
            if (text.startsWith("{}\n", pos)) {
                value = new LinkedHashMap<String, Object>();
                pos += 2;
            } else {
                String v = token(text, pos, end, false);
                if (v == null) {
                    return null;
                }
                pos = end[0];
                value = v == NULL ? null : v;
            }
            if (pos >= n || text.charAt(pos) != '\n') {
                return null;
            }
            pos++;
            into.put(key, value);
        }
        return expectDeeper ? null : root;
    }

    /** Marks a plain {@code null}-like value (only values may be null). */
    private static final String NULL = new String("null");

    /**
     * A plain or double-quoted token starting at {@code pos}; its end goes to {@code end[0]}. Null
     * when it is neither, or when plain text would read as something other than text (or, for a
     * value, a null: then {@link #NULL}).
     */
    private String token(String text, int pos, int[] end, boolean key) {
        int n = text.length();
        if (pos >= n) {
            return null;
        }
        char first = text.charAt(pos);
        if (first == '"') {
            StringBuilder sb = new StringBuilder();
            for (int i = pos + 1; i < n; i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    end[0] = i + 1;
                    return sb.toString();
                }
                if (c == '\\') {
                    if (++i >= n) {
                        return null;
                    }
                    switch (text.charAt(i)) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        default -> {
                            return null;
                        }
                    }
                } else if (c < 0x20 || c > 0x7E) {
                    return null;
                } else {
                    sb.append(c);
                }
            }
            return null;
        }
        if (!YamlWriter.plainStart(first)) {
            return null;
        }
        int i = pos + 1;
        while (i < n) {
            char c = text.charAt(i);
            if (!YamlWriter.plainStart(c) && c != '.' && c != '-') {
                break;
            }
            i++;
        }
        String s = text.substring(pos, i);
        Tag t = resolver.resolve(NodeId.scalar, s, true);
        if (t.equals(Tag.NULL)) {
            if (key) {
                return null;
            }
            end[0] = i;
            return NULL;
        }
        if (!t.equals(Tag.STR) && !t.equals(Tag.INT) && !t.equals(Tag.FLOAT) && !t.equals(Tag.BOOL)
                && !t.equals(Tag.TIMESTAMP)) {
            return null;
        }
        end[0] = i;
        return s;
    }
}
