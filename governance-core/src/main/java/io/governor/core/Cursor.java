package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A position in a composed YAML node tree: the node, the dotted key path that leads to it and the
 * document's source, so that every error names the source, the line and the key. Reading goes
 * only through these accessors, which accept plain YAML (mappings, sequences, plain scalars) and
 * nothing else; a tagged node is accepted only where the caller asks for it.
 *
 * <p>Not thread-safe; one cursor tree per document read.
 */
final class Cursor {

    private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

    private final Node node;
    private final String path;
    private final String source;
    private final int[] budget;

    private Cursor(Node node, String path, String source, int[] budget) {
        this.node = node;
        this.path = path;
        this.source = source;
        this.budget = budget;
        if (--budget[0] < 0) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": document has more than "
                    + YamlLimits.MAX_NODES + " nodes (counting alias expansions); rejected");
        }
    }

    static Cursor root(Node node, String source) {
        return new Cursor(node, "", source, new int[] {YamlLimits.MAX_NODES});
    }

    String path() {
        return path;
    }

    String source() {
        return source;
    }

    int line() {
        return node == null || node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    /** The node's tag as written, e.g. {@code !READWRITE_SPLITTING}, or the implicit core tag. */
    String tag() {
        return node.getTag().getValue();
    }

    boolean isNull() {
        return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isLocalTag() {
        String t = node.getTag().getValue();
        return t.startsWith("!") && !t.startsWith("!!");
    }

    GovernanceException error(String problem) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, location() + ": " + problem);
    }

    /** Where this node is written: {@code <source>: line <n>, key '<path>'}. */
    String location() {
        return source + ": line " + line() + (path.isEmpty() ? "" : ", key '" + path + "'");
    }

    /** The entries of a plain mapping, in document order. Duplicate and non-scalar keys are errors. */
    Map<String, Cursor> mapping() {
        return mapping(false);
    }

    /** The entries of a mapping that may carry a local tag (a rule). */
    Map<String, Cursor> taggedMapping() {
        return mapping(true);
    }

    private Map<String, Cursor> mapping(boolean allowLocalTag) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping, found " + describe());
        }
        if (!node.getTag().equals(Tag.MAP) && !(allowLocalTag && isLocalTag())) {
            throw unsupportedTag();
        }
        Map<String, Cursor> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            Node k = t.getKeyNode();
            if (k.getTag().equals(Tag.MERGE)) {
                throw new Cursor(k, path, source, budget).error("merge keys ('<<') are not supported");
            }
            if (!(k instanceof ScalarNode ks) || !SCALAR_TAGS.contains(k.getTag()) || k.getTag().equals(Tag.NULL)) {
                throw new Cursor(k, path, source, budget).error("mapping keys must be plain text");
            }
            String key = ks.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (out.containsKey(key)) {
                throw new Cursor(k, childPath, source, budget).error("duplicate key");
            }
            out.put(key, new Cursor(t.getValueNode(), childPath, source, budget));
        }
        return out;
    }

    /** The items of a plain sequence. */
    List<Cursor> sequence() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("expected a list, found " + describe());
        }
        if (!node.getTag().equals(Tag.SEQ)) {
            throw unsupportedTag();
        }
        List<Cursor> out = new ArrayList<>();
        int i = 0;
        for (Node item : seq.getValue()) {
            out.add(new Cursor(item, path + "[" + i++ + "]", source, budget));
        }
        return out;
    }

    /** A plain scalar as its text; null for a YAML null. */
    String scalar() {
        if (!(node instanceof ScalarNode s)) {
            throw error("expected a single value, found " + describe());
        }
        if (!SCALAR_TAGS.contains(node.getTag())) {
            throw unsupportedTag();
        }
        return node.getTag().equals(Tag.NULL) ? null : s.getValue();
    }

    /** A scalar that must be present and not blank. */
    String requiredScalar() {
        String s = isNull() ? null : scalar();
        if (s == null || s.isBlank()) {
            throw error("a value is required");
        }
        return s.trim();
    }

    GovernanceException unsupportedTag() {
        return error("tag '" + node.getTag().getValue() + "' is not allowed here; only plain YAML and Governor's rule tags are accepted");
    }

    private String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a single value";
    }
}
