package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A database's last good revision: the last revision that every instance governing it applied
 * (or that a rollout promoted), kept with its whole content at {@code /history/lastgood/{db}} in
 * the config center ({@link NodePaths#lastGood}), so that an instance that cannot start on the
 * current revision can start on it instead ({@link DatabaseGovernor#start}).
 *
 * <p>The node is a plain YAML map: {@code revision}, {@code recorded} (an ISO-8601 instant),
 * and the {@link StoredContent} texts {@code props}, {@code rules} and {@code dataSources} (name to text), holding the
 * canonical texts the codec writes for each node, so decoding reuses the codec, its limits and its
 * messages, and applying the decoded content gives exactly {@code revision} (checked on read).
 *
 * <p>Who records: {@link GovernanceAdmin#awaitConvergence} when every instance runs the awaited
 * revision, an instance at start-up when none is recorded yet ({@link #recordIfAbsent}), and a
 * rollout's promotion, through {@code boolean record(String db, String revision)}: it records
 * {@code revision} only if it is still the database's current revision as read from the center
 * (so the record never moves to a revision that is no longer current), taking the content from
 * that read. The write is a compare-and-set against the node as read where the center has
 * {@link Capability#COMPARE_AND_SET}, a plain put elsewhere. Recording never fails its caller: a
 * failure is a WARN and {@code false}.
 *
 * <p>Thread-safe (no state of its own); every call blocks on the config center. Safe to repeat.
 */
final class LastGood {

    /** How often {@link #record} re-reads after another writer changed the node between its read and its write. */
    private static final int MAX_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(LastGood.class);

    private final ConfigService config;
    private final String namespace;

    LastGood(ConfigService config, String namespace) {
        this.config = config;
        this.namespace = namespace;
    }

    /**
     * A recorded revision and its content.
     *
     * @param revision the revision, {@link Revisions#of} the content
     * @param recorded when it was recorded
     * @param database the data sources and rules
     * @param props    the props
     */
    record Entry(String revision, Instant recorded, DatabaseConfig database, GovernanceProps props) {
    }

    /**
     * The database's last good revision, or empty when none is recorded or the node cannot be used
     * (malformed, or its content is not its revision: logged as a WARN naming the node). A failure to
     * read the center is thrown.
     */
    Optional<Entry> read(String db) {
        Optional<VersionedValue> node = repo().get(NodePaths.lastGood(db));
        if (node.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode(db, node.get().value()));
        } catch (GovernanceException e) {
            LOG.warn("[{}] last good revision of database '{}' ignored: {}", namespace, db, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Records {@code revision} as the database's last good revision if it is still its current
     * revision (see the class comment). Blocks on the config center; never throws.
     *
     * @return whether the node now holds {@code revision} (false: not current, or the write failed with a WARN)
     */
    boolean record(String db, String revision) {
        return record(db, revision, false);
    }

    /**
     * As {@link #record}, but only when no last good revision is recorded yet (first deploy).
     *
     * @return whether this call wrote it
     */
    boolean recordIfAbsent(String db, String revision) {
        return record(db, revision, true);
    }

    private boolean record(String db, String revision, boolean ifAbsent) {
        String key = NodePaths.lastGood(db);
        try {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                String before = repo().get(key).map(VersionedValue::value).orElse(null);
                if (before != null && (ifAbsent || revision.equals(revisionOf(db, before)))) {
                    return !ifAbsent;
                }
                ConfigService.WithProps current = config.loadWithProps(db);
                if (!current.snapshot().exists()
                        || !revision.equals(config.revision(current.snapshot().config(), current.props()))) {
                    LOG.debug("[{}] last good revision of database '{}': {} is no longer current, not recorded",
                            namespace, db, revision);
                    return false;
                }
                String text = encode(revision, Instant.now(), current.snapshot().config(), current.props());
                if (!repo().capabilities().contains(Capability.COMPARE_AND_SET)) {
                    repo().put(key, text);
                } else if (!repo().compareAndSet(key, before, text)) {
                    continue;
                }
                LOG.info("[{}] database '{}': last good revision is now {}", namespace, db, revision);
                return true;
            }
            LOG.warn("[{}] last good revision of database '{}' not recorded: node {} kept changing", namespace, db, key);
        } catch (GovernanceException e) {
            LOG.warn("[{}] last good revision {} of database '{}' not recorded: {}", namespace, revision, db, e.getMessage());
        }
        return false;
    }

    /** The revision a node's text names, or null when the text is not a last good document. */
    private String revisionOf(String db, String text) {
        try {
            Object rev = config.codec().readPlainMap(text, source(db)).get("revision");
            return rev instanceof String s ? s : null;
        } catch (GovernanceException e) {
            return null;
        }
    }

    /** The node's text for a content (see the class comment). */
    String encode(String revision, Instant recorded, DatabaseConfig database, GovernanceProps props) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("revision", revision);
        doc.put("recorded", recorded.toString());
        doc.putAll(new StoredContent(database, props).texts(config.codec()));
        return config.codec().writePlainMap(doc);
    }

    /**
     * Decodes a node's text and checks that its content is its revision.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the node and what is wrong
     */
    Entry decode(String db, String text) {
        YamlCodec codec = config.codec();
        String source = source(db);
        Map<String, Object> doc = codec.readPlainMap(text, source);
        String revision = field(doc, "revision", source);
        Instant recorded;
        try {
            recorded = Instant.parse(field(doc, "recorded", source));
        } catch (DateTimeParseException e) {
            throw invalid(source, "'recorded' is not an ISO-8601 instant");
        }
        StoredContent content = StoredContent.read(codec, doc, source);
        DatabaseConfig database = content.database();
        GovernanceProps props = content.props();
        config.validate(db, database);
        String actual = config.revision(database, props);
        if (!actual.equals(revision)) {
            throw invalid(source, "its content is revision " + actual + ", not the recorded " + revision);
        }
        return new Entry(revision, recorded, database, props);
    }

    private static String field(Map<String, Object> doc, String name, String source) {
        if (!(doc.get(name) instanceof String s)) {
            throw invalid(source, "'" + name + "' is missing or not a text");
        }
        return s;
    }

    private static GovernanceException invalid(String source, String what) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": " + what);
    }

    private String source(String db) {
        return repo().type() + " node " + NodePaths.lastGood(db);
    }

    private Repository repo() {
        return config.repository();
    }
}
