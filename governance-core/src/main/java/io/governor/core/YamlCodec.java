package io.governor.core;

import io.governor.api.DidYouMean;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleCodec;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.jdbc.JdbcRuntime;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes every YAML document Governor uses: {@code governor.yaml} and the node values of
 * the centers (a data source, a database's rules, props, status documents).
 *
 * <p>All input is treated as untrusted. Documents are only <em>composed</em> into a node tree by
 * SnakeYAML, never constructed into objects; Governor then reads plain mappings, lists and scalars
 * itself and accepts only the local tags of known rule codecs. A global tag such as
 * {@code !!javax.script.ScriptEngineManager} is rejected and nothing is instantiated. Size, nesting,
 * aliases and node count are bounded ({@link YamlLimits}). Every error is an
 * {@code INVALID_CONFIG} {@link GovernanceException} naming the source (file or key), the line and
 * the key path.
 *
 * <p>Immutable and thread-safe.
 */
final class YamlCodec {

    /** The data source key that names the pool class. */
    static final String POOL_CLASS_KEY = "dataSourceClassName";

    private static final Set<String> GOVERNANCE_KEYS = Set.of("namespace", "registryCenter", "configCenter",
            "bootstrap", "startupTimeout", "labels", "strictStartup", "historyLimit");
    private static final Set<String> CENTER_KEYS = Set.of("type", "serverLists", "props");
    private static final Set<String> DATABASE_KEYS = Set.of("dataSources", "rules");
    private static final Set<String> ROOT_KEYS = Set.of("governance", "databases", "props");

    /**
     * Building a Resolver compiles its implicit-tag patterns; after construction it is only read
     * ({@code resolve}), so one instance serves every thread.
     */
    private static final Resolver RESOLVER = new Resolver();
    private static final PlainMapReader PLAIN_MAPS = new PlainMapReader(RESOLVER);

    private final RuleCodecs codecs;
    private final YamlWriter writer;

    YamlCodec(RuleCodecs codecs) {
        this.codecs = codecs;
        this.writer = new YamlWriter(codecs);
    }

    /** The rule codecs this codec uses. */
    RuleCodecs ruleCodecs() {
        return codecs;
    }

    // ---------------------------------------------------------------- reading

    /** Composes a document into a cursor; an empty document gives a null-node cursor. */
    static Cursor compose(String text, String source) {
        if (text == null) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": no document");
        }
        YamlLimits.requireSize(source, text);
        LoaderOptions lo = new LoaderOptions();
        lo.setMaxAliasesForCollections(YamlLimits.MAX_ALIASES);
        lo.setNestingDepthLimit(YamlLimits.MAX_NESTING_DEPTH);
        // Never the limit that applies (a code point is at least one byte and the size was checked
        // above), but SnakeYAML's default (3 Mi) would refuse documents within the size limit.
        lo.setCodePointLimit(YamlLimits.MAX_DOCUMENT_BYTES);
        lo.setAllowRecursiveKeys(false);
        lo.setAllowDuplicateKeys(false);
        lo.setProcessComments(false);
        // Composing never instantiates anything, but a global tag is refused right here, with its
        // own message: it is how a document tries to make a YAML library construct a class.
        Tag[] refused = new Tag[1];
        lo.setTagInspector(tag -> {
            refused[0] = tag;
            return false;
        });
        try {
            Composer composer = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), lo), RESOLVER, lo);
            Node node = composer.getSingleNode();
            return Cursor.root(node, source);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            if (refused[0] != null) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": line " + line + ": tag '"
                        + shortTag(refused[0]) + "' is not allowed (Governor loads only its own tags, for safety)");
            }
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": line " + line
                    + ": malformed YAML: " + e.getProblem(), e);
        } catch (YAMLException | IllegalStateException e) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": malformed YAML: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": malformed YAML: nested too deeply");
        }
    }

    /**
     * Reads a {@code governor.yaml} file. A file of more than {@link YamlLimits#MAX_DOCUMENT_BYTES}
     * is refused by its size, before it is read; so is one that turns out larger while it is read
     * (a pipe, a file still growing), after reading one byte more than the limit.
     *
     * @throws GovernanceException {@code INVALID_CONFIG}: the file cannot be read, is too large, is
     *                             not UTF-8, or is not a valid configuration
     */
    GovernanceConfig readGovernanceConfig(Path file) {
        return readGovernanceConfig(readFile(file), file.toString());
    }

    /** A file's text, refused before it is read (or once it is read past the limit) if too large. */
    static String readFile(Path file) {
        String source = file.toString();
        try {
            if (Files.isRegularFile(file)) {
                YamlLimits.requireSize(source, Files.size(file), true);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(YamlLimits.MAX_DOCUMENT_BYTES + 1);
            }
            YamlLimits.requireSize(source, bytes.length, false);
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code governor.yaml}. */
    GovernanceConfig readGovernanceConfig(String text, String source) {
        Cursor root = compose(text, source);
        if (root.isNull()) {
            throw root.error("the document is empty; 'governance' is required");
        }
        Map<String, Cursor> top = root.mapping();
        requireOnly(top, ROOT_KEYS, root, "top level");
        Cursor gov = top.get("governance");
        if (gov == null || gov.isNull()) {
            throw root.error("'governance' is required");
        }
        Map<String, Cursor> g = gov.mapping();
        requireOnly(g, GOVERNANCE_KEYS, gov, "governance");
        Cursor ns = g.get("namespace");
        if (ns == null) {
            throw gov.error("'namespace' is required");
        }
        Cursor reg = g.get("registryCenter");
        if (reg == null) {
            throw gov.error("'registryCenter' is required");
        }
        GovernanceConfig.Builder b = GovernanceConfig.builder(ns.requiredScalar());
        b.registryCenter(readCenter(reg));
        Cursor cc = g.get("configCenter");
        if (cc != null && !cc.isNull()) {
            b.configCenter(readCenter(cc));
        }
        Cursor boot = g.get("bootstrap");
        if (boot != null && !boot.isNull()) {
            b.bootstrap(atKey(boot, () -> BootstrapMode.parse(boot.scalar())));
        }
        Cursor st = g.get("startupTimeout");
        if (st != null && !st.isNull()) {
            b.startupTimeout(atKey(st, () -> RepositoryConfig.parseDuration(st.requiredScalar(), "startupTimeout")));
        }
        Cursor labels = g.get("labels");
        if (labels != null && !labels.isNull()) {
            Map<String, String> l = new java.util.LinkedHashMap<>();
            labels.mapping().forEach((k, v) -> l.put(k, v.requiredScalar()));
            b.labels(l);
        }
        Cursor strict = g.get("strictStartup");
        if (strict != null && !strict.isNull()) {
            b.strictStartup(atKey(strict, () -> parseBoolean(strict.requiredScalar(), "strictStartup")));
        }
        Cursor history = g.get("historyLimit");
        if (history != null && !history.isNull()) {
            b.historyLimit(atKey(history, () -> parseInt(history.requiredScalar(), "historyLimit")));
        }
        Cursor dbs = top.get("databases");
        if (dbs != null && !dbs.isNull()) {
            for (Map.Entry<String, Cursor> e : dbs.mapping().entrySet()) {
                DatabaseConfig db = readDatabase(e.getKey(), e.getValue());
                atKey(e.getValue(), () -> b.database(e.getKey(), db));
            }
        }
        Cursor props = top.get("props");
        if (props != null && !props.isNull()) {
            b.props(readProps(props));
        }
        return atKey(gov, b::build);
    }

    private static boolean parseBoolean(String text, String key) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new GovernanceException(ErrorCode.INVALID_CONFIG, "'" + key + "': '" + text
                    + "' is not true or false");
        };
    }

    private static int parseInt(String text, String key) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "'" + key + "': '" + text + "' is not a whole number");
        }
    }

    private RepositoryConfig readCenter(Cursor c) {
        Map<String, Cursor> m = c.mapping();
        requireOnly(m, CENTER_KEYS, c, c.path());
        Cursor type = m.get("type");
        if (type == null) {
            throw c.error("'type' is required");
        }
        RepositoryConfig.Builder b = RepositoryConfig.builder(type.requiredScalar());
        Cursor servers = m.get("serverLists");
        if (servers != null && !servers.isNull()) {
            b.serverLists(servers.scalar());
        }
        Cursor props = m.get("props");
        if (props != null && !props.isNull()) {
            for (Map.Entry<String, Cursor> e : props.mapping().entrySet()) {
                b.property(e.getKey(), e.getValue().requiredScalar());
                // the repository checks its properties when it connects; its errors then name this place
                b.origin(e.getKey(), e.getValue().location());
            }
        }
        return atKey(c, b::build);
    }

    /**
     * Reads one database of a local file. Each data source is checked as an instance builds its pool
     * ({@link JdbcRuntime#check}), so a misspelt pool property names the file and line here.
     */
    private DatabaseConfig readDatabase(String name, Cursor c) {
        Map<String, Cursor> m = c.isNull() ? Map.of() : c.mapping();
        requireOnly(m, DATABASE_KEYS, c, c.path());
        Map<String, DataSourceConfig> ds = new TreeMap<>();
        Cursor dsc = m.get("dataSources");
        if (dsc != null && !dsc.isNull()) {
            for (Map.Entry<String, Cursor> e : dsc.mapping().entrySet()) {
                atKey(e.getValue(), () -> io.governor.api.repository.Paths.requireSegment(e.getKey(), "data source name"));
                DataSourceConfig config = readDataSource(e.getValue());
                atKey(e.getValue(), () -> {
                    JdbcRuntime.check(name, e.getKey(), config);
                    return null;
                });
                ds.put(e.getKey(), config);
            }
        }
        Cursor rc = m.get("rules");
        List<RuleConfig> rules = rc == null || rc.isNull() ? List.of() : readRules(rc);
        DatabaseConfig db = new DatabaseConfig(ds, rules);
        atKey(rc != null ? rc : c, () -> {
            codecs.validate(rules, ds.keySet());
            return null;
        });
        return db;
    }

    /** Reads a data source document ({@code /config/databases/{db}/datasources/{ds}}). */
    DataSourceConfig readDataSource(String text, String source) {
        Cursor root = compose(text, source);
        if (root.isNull()) {
            throw root.error("the data source document is empty");
        }
        return readDataSource(root);
    }

    private DataSourceConfig readDataSource(Cursor c) {
        String poolClass = null;
        Map<String, String> props = new TreeMap<>();
        for (Map.Entry<String, Cursor> e : c.mapping().entrySet()) {
            if (e.getKey().equals(POOL_CLASS_KEY)) {
                poolClass = e.getValue().requiredScalar();
            } else {
                String v = e.getValue().scalar();
                if (v == null) {
                    throw e.getValue().error("a value is required");
                }
                props.put(e.getKey(), v);
            }
        }
        String pc = poolClass;
        DataSourceConfig config = atKey(c, () -> new DataSourceConfig(pc, props));
        // HikariCP (the default pool) cannot connect without a URL; another pool class may be
        // configured otherwise (its own data source class), which building the pool checks.
        if (pc == null && (config.jdbcUrl() == null || config.jdbcUrl().isBlank())) {
            throw c.error("jdbcUrl is required (the JDBC URL of the database)" + nearUrlKey(props.keySet()));
        }
        return config;
    }

    /** Reads a rules document ({@code /config/databases/{db}/rules}): a list of tagged rules. */
    List<RuleConfig> readRules(String text, String source) {
        Cursor root = compose(text, source);
        return root.isNull() ? List.of() : readRules(root);
    }

    private List<RuleConfig> readRules(Cursor c) {
        List<RuleConfig> out = new ArrayList<>();
        for (Cursor item : c.sequence()) {
            if (!item.isLocalTag()) {
                throw item.error("each rule must be tagged with its type, one of " + prefixed(codecs.tags()));
            }
            String tag = item.tag().substring(1);
            RuleCodec<?> codec = codecs.forTag(tag);
            if (codec == null) {
                String near = DidYouMean.closest(tag, codecs.tags());
                throw item.error("unknown rule type !" + tag + (near == null ? "" : "; did you mean '!" + near + "'?")
                        + "; known: " + prefixed(codecs.tags()));
            }
            RuleConfig rule = codec.decode(new CursorRuleFields(item));
            if (rule == null || !rule.type().equals(tag)) {
                throw item.error("codec of !" + tag + " returned no rule or a rule of another type");
            }
            out.add(rule);
        }
        return out;
    }

    /** Reads a props document ({@code /config/props}). */
    GovernanceProps readProps(String text, String source) {
        Cursor root = compose(text, source);
        return root.isNull() ? GovernanceProps.empty() : readProps(root);
    }

    private GovernanceProps readProps(Cursor c) {
        Map<String, String> values = new TreeMap<>();
        Map<String, Cursor> m = c.mapping();
        for (Map.Entry<String, Cursor> e : m.entrySet()) {
            values.put(e.getKey(), e.getValue().requiredScalar());
        }
        // Validate one by one so that the error names the offending entry's line.
        for (Map.Entry<String, String> e : values.entrySet()) {
            atKey(m.get(e.getKey()), () -> new GovernanceProps(Map.of(e.getKey(), e.getValue())));
        }
        return new GovernanceProps(values);
    }

    /**
     * Reads a plain document of text values and nested mappings (status documents). Values are
     * {@code String} (null for YAML null) or {@code Map<String, Object>}; lists are not accepted.
     */
    Map<String, Object> readPlainMap(String text, String source) {
        Map<String, Object> direct = PLAIN_MAPS.read(text);
        return direct != null ? direct : readPlainMapThroughSnakeYaml(text, source);
    }

    /** {@link #readPlainMap} without the direct reader's fast path (tests compare the two). */
    Map<String, Object> readPlainMapThroughSnakeYaml(String text, String source) {
        Cursor root = compose(text, source);
        return root.isNull() ? Map.of() : plainMap(root);
    }

    private static Map<String, Object> plainMap(Cursor c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Cursor> e : c.mapping().entrySet()) {
            Cursor v = e.getValue();
            out.put(e.getKey(), v.isMapping() ? plainMap(v) : v.scalar());
        }
        return out;
    }

    // ---------------------------------------------------------------- writing

    /** The document of one data source. */
    String writeDataSource(DataSourceConfig config) {
        return writer.dataSource(config);
    }

    /** The rules document of a database. */
    String writeRules(List<RuleConfig> rules) {
        return writer.rules(rules);
    }

    /** The props document. */
    String writeProps(GovernanceProps props) {
        return writer.plainMap(new LinkedHashMap<>(props.values()));
    }

    /** A plain document of text values and nested maps. */
    String writePlainMap(Map<String, ?> values) {
        return writer.plainMap(values);
    }

    /** A {@code governor.yaml}-shaped document of databases and props (for examples and export). */
    String writeDatabases(Map<String, DatabaseConfig> databases, GovernanceProps props) {
        return writer.databases(databases, props);
    }

    /**
     * Feeds the canonical content of a database's configuration together with the props to a
     * digest: names and keys sorted, one fixed token layout. Equal configurations feed equal bytes
     * on every backend and instance; the revision is made from them.
     */
    void digestCanonical(java.security.MessageDigest md, DatabaseConfig database, GovernanceProps props) {
        writer.digestCanonical(md, database, props);
    }

    // ---------------------------------------------------------------- helpers

    private static void requireOnly(Map<String, Cursor> m, Set<String> allowed, Cursor owner, String where) {
        for (Map.Entry<String, Cursor> e : m.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("unknown key '" + e.getKey() + "' in " + (where.isEmpty() ? "top level" : where)
                        + DidYouMean.suggest(e.getKey(), allowed) + "; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    /** Runs a validation and re-throws its failure with the cursor's source, line and key. */
    private static <T> T atKey(Cursor c, java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (GovernanceException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(c.source() + ":")) {
                throw e;
            }
            throw new GovernanceException(e.code(), c.error(e.getMessage()).getMessage(), e);
        }
    }

    /** {@code "; found 'jdbcURL': did you mean 'jdbcUrl'?"} when a key is a typo of it, else empty. */
    private static String nearUrlKey(Set<String> keys) {
        String near = DidYouMean.closest("jdbcUrl", keys);
        return near == null ? "" : "; found '" + near + "': did you mean 'jdbcUrl'?";
    }

    /** A tag as written: {@code !!name} for the YAML namespace, the full URI otherwise. */
    private static String shortTag(Tag tag) {
        String v = tag.getValue();
        return v.startsWith(Tag.PREFIX) ? "!!" + v.substring(Tag.PREFIX.length()) : v;
    }

    private static String prefixed(Set<String> tags) {
        return tags.stream().map(t -> "!" + t).toList().toString();
    }

}
