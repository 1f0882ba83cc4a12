package io.governor.core;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleCodec;
import io.governor.api.config.RuleConfig;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes Governor's documents by building a node tree and serialising it, so that only plain YAML
 * and rule tags are ever produced. Scalars that read as numbers or booleans are written plain;
 * every other text is quoted when YAML would otherwise read it as something else. Thread-safe.
 */
final class YamlWriter {

    private final RuleCodecs codecs;
    private final Resolver resolver = new Resolver();

    YamlWriter(RuleCodecs codecs) {
        this.codecs = codecs;
    }

    String dataSource(DataSourceConfig config) {
        return emit(dataSourceNode(config));
    }

    String rules(List<RuleConfig> rules) {
        return emit(rulesNode(rules));
    }

    /**
     * A map of text, nulls and nested such maps (a status document, the props). Written directly
     * when every key and text is printable ASCII (with line feeds and tabs): plain where YAML reads
     * the text back as the same string, else double-quoted. Anything else goes through the
     * serialiser. The status document is written by every instance on every change, and the
     * serialiser was half of what applying a change cost an instance (guarded by the propagation
     * benchmark's CPU per push, see docs/decisions.md).
     */
    String plainMap(Map<String, ?> values) {
        if (directlyWritable(values)) {
            StringBuilder out = new StringBuilder(256);
            if (values.isEmpty()) {
                return "{}\n";
            }
            writeMap(out, values, 0);
            return out.toString();
        }
        return emit(value(values));
    }

    private static boolean directlyWritable(Object v) {
        if (v == null) {
            return true;
        }
        if (v instanceof String s) {
            return asciiText(s);
        }
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k) || !asciiText(k) || !directlyWritable(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean asciiText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 || c > 0x7E) && c != '\n' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private void writeMap(StringBuilder out, Map<?, ?> map, int indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            for (int i = 0; i < indent; i++) {
                out.append(' ');
            }
            writeText(out, (String) e.getKey());
            out.append(':');
            Object v = e.getValue();
            if (v == null) {
                out.append(" null\n");
            } else if (v instanceof Map<?, ?> nested) {
                if (nested.isEmpty()) {
                    out.append(" {}\n");
                } else {
                    out.append('\n');
                    writeMap(out, nested, indent + 2);
                }
            } else {
                out.append(' ');
                writeText(out, (String) v);
                out.append('\n');
            }
        }
    }

    /** Plain where YAML reads the text back as itself (the same test as {@link #scalar}), else double-quoted. */
    private void writeText(StringBuilder out, String s) {
        if (plainSafe(s)) {
            out.append(s);
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    private boolean plainSafe(String s) {
        if (s.isEmpty() || !plainStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!plainStart(c) && c != '.' && c != '-') {
                return false;
            }
        }
        char first = s.charAt(0);
        if (first < '0' || first > '9') {
            // Of YAML's implicit types, only booleans and null begin with a letter, '_' or '/' (the
            // others begin with a digit, a sign, '.', '~', '<', '=' or an indicator): the resolver's
            // answer, without running its patterns for every scalar of every status document.
            return !(s.equals("null") || s.equals("Null") || s.equals("NULL"));
        }
        Tag t = resolver.resolve(NodeId.scalar, s, true);
        return t.equals(Tag.STR) || t.equals(Tag.INT) || t.equals(Tag.FLOAT) || t.equals(Tag.BOOL);
    }

    /** The first character of text written plain; also {@link PlainMapReader}'s, so the two agree. */
    static boolean plainStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '/';
    }

    String databases(Map<String, DatabaseConfig> databases, GovernanceProps props) {
        List<NodeTuple> dbs = new ArrayList<>();
        for (Map.Entry<String, DatabaseConfig> e : new TreeMap<>(databases).entrySet()) {
            dbs.add(new NodeTuple(scalar(e.getKey()), databaseNode(e.getValue())));
        }
        List<NodeTuple> root = new ArrayList<>();
        root.add(new NodeTuple(scalar("databases"), mapping(dbs)));
        root.add(new NodeTuple(scalar("props"), value(props.values())));
        return emit(mapping(root));
    }

    /**
     * Feeds the canonical content of a database with the props to {@code md}: data sources in name
     * order, each with its pool class and properties in key order; the rules in order, each as its
     * tag and its codec's encoding; the props in key order. Every item is a typed, length-prefixed
     * token, so different content never gives the same stream. No YAML is emitted: this runs for
     * every instance on every change.
     */
    void digestCanonical(MessageDigest md, DatabaseConfig db, GovernanceProps props) {
        Digest d = new Digest(md);
        d.begin('D', db.dataSources().size());
        for (Map.Entry<String, DataSourceConfig> e : new TreeMap<>(db.dataSources()).entrySet()) {
            d.text(e.getKey());
            DataSourceConfig config = e.getValue();
            d.text(config.poolClassName());
            d.value(new TreeMap<>(config.properties()));
        }
        d.begin('R', db.rules().size());
        for (RuleConfig r : db.rules()) {
            RuleCodec<RuleConfig> codec = codecs.forRule(r);
            d.text(codec.tag());
            d.value(codec.encode(r));
        }
        d.value(new TreeMap<>(props.values()));
    }

    /** Typed, length-prefixed tokens into a message digest. Not thread-safe; one per digest. */
    private static final class Digest {
        private final MessageDigest md;

        Digest(MessageDigest md) {
            this.md = md;
        }

        void begin(char kind, int size) {
            md.update((byte) kind);
            md.update((byte) (size >>> 24));
            md.update((byte) (size >>> 16));
            md.update((byte) (size >>> 8));
            md.update((byte) size);
        }

        void text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            begin('S', b.length);
            md.update(b);
        }

        void value(Object v) {
            if (v instanceof Map<?, ?> map) {
                begin('M', map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    text(String.valueOf(e.getKey()));
                    value(e.getValue());
                }
            } else if (v instanceof List<?> list) {
                begin('L', list.size());
                for (Object o : list) {
                    value(o);
                }
            } else if (v == null) {
                begin('N', 0);
            } else {
                text(String.valueOf(v));
            }
        }
    }

    private Node databaseNode(DatabaseConfig db) {
        List<NodeTuple> ds = new ArrayList<>();
        for (Map.Entry<String, DataSourceConfig> e : db.dataSources().entrySet()) {
            ds.add(new NodeTuple(scalar(e.getKey()), dataSourceNode(e.getValue())));
        }
        List<NodeTuple> t = new ArrayList<>();
        t.add(new NodeTuple(scalar("dataSources"), mapping(ds)));
        t.add(new NodeTuple(scalar("rules"), rulesNode(db.rules())));
        return mapping(t);
    }

    private Node dataSourceNode(DataSourceConfig config) {
        List<NodeTuple> t = new ArrayList<>();
        t.add(new NodeTuple(scalar(YamlCodec.POOL_CLASS_KEY), scalar(config.poolClassName())));
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            t.add(new NodeTuple(scalar(e.getKey()), scalar(e.getValue())));
        }
        return mapping(t);
    }

    private Node rulesNode(List<RuleConfig> rules) {
        List<Node> items = new ArrayList<>();
        for (RuleConfig r : rules) {
            RuleCodec<RuleConfig> codec = codecs.forRule(r);
            MappingNode m = (MappingNode) value(codec.encode(r));
            m.setTag(new Tag("!" + codec.tag()));
            items.add(m);
        }
        return new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.BLOCK);
    }

    private Node value(Object v) {
        if (v instanceof Map<?, ?> map) {
            List<NodeTuple> t = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                t.add(new NodeTuple(scalar(String.valueOf(e.getKey())), value(e.getValue())));
            }
            return mapping(t);
        }
        if (v instanceof List<?> list) {
            List<Node> items = new ArrayList<>();
            for (Object o : list) {
                items.add(value(o));
            }
            return new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.BLOCK);
        }
        if (v == null) {
            return new ScalarNode(Tag.NULL, "null", null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        return scalar(String.valueOf(v));
    }

    private Node scalar(String text) {
        Tag resolved = resolver.resolve(NodeId.scalar, text, true);
        Tag tag = resolved.equals(Tag.INT) || resolved.equals(Tag.FLOAT) || resolved.equals(Tag.BOOL) ? resolved : Tag.STR;
        DumperOptions.ScalarStyle style = text.indexOf('\n') >= 0 ? DumperOptions.ScalarStyle.LITERAL : DumperOptions.ScalarStyle.PLAIN;
        return new ScalarNode(tag, text, null, null, style);
    }

    private static MappingNode mapping(List<NodeTuple> tuples) {
        return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
    }

    private String emit(Node node) {
        DumperOptions opts = new DumperOptions();
        opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        opts.setIndent(2);
        opts.setIndicatorIndent(0);
        opts.setWidth(Integer.MAX_VALUE);
        opts.setSplitLines(false);
        opts.setAllowUnicode(true);
        opts.setExplicitStart(false);
        StringWriter out = new StringWriter();
        Serializer s = new Serializer(new Emitter(out, opts), resolver, opts, null);
        try {
            s.open();
            s.serialize(node);
            s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
