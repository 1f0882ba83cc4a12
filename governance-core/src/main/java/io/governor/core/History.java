package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.core.RevisionRecord.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kept revisions of each database and of the props, in the config center, outside the watched
 * {@code /config} (writing them wakes no instance):
 *
 * <pre>
 * /history/databases/{db}/{entry}   one revision of a database: content, author, outcome
 * /history/props/{entry}            one revision of the props
 * </pre>
 *
 * <p><b>Entry keys</b> are the writer's clock in epoch microseconds, zero-padded to 16 digits, a
 * {@code -} and 8 random hex digits ({@code 1764665482123456-9f2c01ab}): unique without coordination
 * between admins, and {@link Repository#children} (sorted by name) lists them oldest first. Within
 * one process the microseconds strictly increase (a key is one microsecond after the last one when
 * the clock has not moved on), so writes of one admin in the same microsecond keep their order; two
 * admins whose clocks disagree order their entries by their clocks.
 *
 * <p><b>An entry</b> is a plain YAML map ({@link YamlCodec#writePlainMap}): {@code revision},
 * {@code time} (ISO-8601), {@code host}, {@code user}, {@code message} (optional), {@code outcome}
 * ({@link Outcome}) and {@code content}: for a database its {@link StoredContent} texts
 * ({@code props}, {@code rules}, {@code dataSources}, the canonical texts of the nodes as written to
 * {@code /config}), for the props the {@code props} text alone. Decoding the content reuses the codec, its limits and its
 * messages. A props entry's revision is the revision of the props alone
 * ({@link #propsRevision}).
 *
 * <p><b>Writing.</b> {@link ConfigService#commit(List, Entry)} puts an {@link #entry} in the same
 * transaction as the change where the center has one, and right after it elsewhere (a failure
 * there is a WARN: the change has applied). Other writers (the rollout) do the same with:
 * <ul>
 *   <li>{@link #entry(String, DatabaseConfig, GovernanceProps, String, Outcome)}: make the entry;
 *       add {@link Entry#put()} to the transaction, then call {@link #trim(Entry)}; or</li>
 *   <li>{@link #record(Entry)}: put it alone and trim;</li>
 *   <li>{@link #markOutcome(String, String, Outcome)}: set the outcome of the newest entry of a
 *       revision (PROMOTED, WITHDRAWN, ...), or {@link #outcomePut} for the put that does it, to add to
 *       a transaction.</li>
 * </ul>
 * After every write the scope is trimmed to {@code governance.historyLimit} entries, oldest first,
 * best effort: a failure is a WARN and the next write trims again.
 *
 * <p><b>Reading.</b> {@link #read} lists a scope newest first; an entry that does not decode is
 * skipped with a WARN naming its key, never failing the listing or a write.
 *
 * <p>Thread-safe (immutable). Every method but {@link #entry}/{@link #propsEntry} blocks on the
 * center and fails with its {@link GovernanceException}s unless it says otherwise.
 */
final class History {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The microseconds of the last key made in this process (keys strictly increase within it). */
    private static final java.util.concurrent.atomic.AtomicLong LAST_MICROS = new java.util.concurrent.atomic.AtomicLong();
    private static final String CONTENT = "content";

    private final Repository repo;
    private final YamlCodec codec;
    private final String namespace;
    private final int limit;

    History(Repository repo, YamlCodec codec, String namespace, int limit) {
        if (limit < 1) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.historyLimit must be at least 1, got " + limit);
        }
        this.repo = repo;
        this.codec = codec;
        this.namespace = namespace;
        this.limit = limit;
    }

    /** A revision ready to be kept: its node key, its document and what it records. */
    record Entry(String key, String text, RevisionRecord record) {

        /** The put that keeps it (for a transaction). */
        Operation put() {
            return Operation.put(key, text);
        }

        /** The history node it belongs to ({@code /history/databases/{db}} or {@code /history/props}). */
        String scope() {
            return Paths.parent(key);
        }

        @Override
        public String toString() {
            return key + " " + record; // never the content
        }
    }

    /** A kept revision read back: its key, record and content (node texts, as in the entry document). */
    record Kept(String key, RevisionRecord record, Map<String, Object> content) {

        @Override
        public String toString() {
            return key + " " + record;
        }
    }

    int limit() {
        return limit;
    }

    /** The history node of a database. */
    static String scope(String db) {
        return NodePaths.databaseHistory(Paths.requireSegment(db, "database name"));
    }

    /** The revision a props entry records: the digest of the props alone. */
    String propsRevision(GovernanceProps props) {
        return Revisions.of(codec, DatabaseConfig.empty(), props);
    }

    /** An entry for a database's content written now by this process. Does not block. */
    Entry entry(String db, DatabaseConfig config, GovernanceProps props, String message, Outcome outcome) {
        Map<String, Object> content = new StoredContent(config, props).texts(codec);
        return entry(scope(db), Revisions.of(codec, config, props), content, message, outcome);
    }

    /** An entry for the props written now by this process. Does not block. */
    Entry propsEntry(GovernanceProps props, String message, Outcome outcome) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put(StoredContent.PROPS, codec.writeProps(props));
        return entry(NodePaths.HISTORY_PROPS, propsRevision(props), content, message, outcome);
    }

    private Entry entry(String scope, String revision, Map<String, Object> content, String message, Outcome outcome) {
        String user = System.getProperty("user.name");
        RevisionRecord r = new RevisionRecord(revision, Instant.now(), InstanceIds.host(), user == null ? "unknown" : user,
                message, outcome);
        byte[] rnd = new byte[4];
        RANDOM.nextBytes(rnd);
        long now = java.util.concurrent.TimeUnit.SECONDS.toMicros(r.time().getEpochSecond()) + r.time().getNano() / 1_000;
        long micros = LAST_MICROS.accumulateAndGet(now, (last, t) -> Math.max(last + 1, t));
        String key = Paths.join(scope, entryKey(micros, java.util.HexFormat.of().formatHex(rnd)));
        return new Entry(key, encode(r, content), r);
    }

    /** {@code 1764665482123456-9f2c01ab}: the microseconds zero-padded to 16 digits so that names sort by time. */
    static String entryKey(long epochMicros, String random) {
        return String.format(java.util.Locale.ROOT, "%016d-%s", epochMicros, random);
    }

    private String encode(RevisionRecord r, Map<String, Object> content) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("revision", r.revision());
        doc.put("time", r.time().toString());
        doc.put("host", r.host());
        doc.put("user", r.user());
        if (r.message() != null) {
            doc.put("message", r.message());
        }
        doc.put("outcome", r.outcome().name());
        doc.put(CONTENT, content);
        return codec.writePlainMap(doc);
    }

    /**
     * Decodes an entry node.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the node and what is wrong
     */
    Kept parse(String key, String text) {
        String source = repo.type() + " node " + key;
        Map<String, Object> doc = codec.readPlainMap(text, source);
        try {
            Instant time = Instant.parse(required(doc, "time", source));
            Outcome outcome = Outcome.valueOf(required(doc, "outcome", source));
            RevisionRecord r = new RevisionRecord(required(doc, "revision", source), time, required(doc, "host", source),
                    required(doc, "user", source), doc.get("message") instanceof String m ? m : null, outcome);
            if (!(doc.get(CONTENT) instanceof Map<?, ?> content) || !(content.get(StoredContent.PROPS) instanceof String)) {
                throw invalid(source, "no 'content' with 'props'");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) content;
            return new Kept(key, r, c);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw invalid(source, e.getMessage());
        }
    }

    private static String required(Map<String, Object> doc, String field, String source) {
        if (doc.get(field) instanceof String s && !s.isBlank()) {
            return s;
        }
        throw invalid(source, "'" + field + "' is missing");
    }

    private static GovernanceException invalid(String source, String what) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": not a history entry: " + what);
    }

    /** The kept entries of a scope, newest first; entries that do not decode are skipped with a WARN. */
    List<Kept> read(String scope) {
        List<Kept> out = new ArrayList<>();
        for (Map.Entry<String, VersionedValue> e : BulkReads.of(repo).childValues(scope).entrySet()) {
            String key = Paths.join(scope, e.getKey());
            try {
                out.add(parse(key, e.getValue().value()));
            } catch (GovernanceException ex) {
                LOG.warn("[{}] history: skipped entry {}: {}", namespace, key, ex.getMessage());
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** The newest kept entry of a revision in a scope. */
    Optional<Kept> newest(String scope, String revision) {
        return read(scope).stream().filter(k -> k.record().revision().equals(revision)).findFirst();
    }

    /**
     * The database content an entry keeps, decoded and validated as a read of {@code /config} is.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the entry and node when it does not decode
     */
    StoredContent content(Kept k) {
        StoredContent c = StoredContent.read(codec, k.content(), repo.type() + " node " + k.key());
        codec.ruleCodecs().validate(c.database().rules(), c.database().dataSources().keySet());
        return c;
    }

    /** The props an entry keeps (a props entry, or a database entry). */
    GovernanceProps props(Kept k) {
        return StoredContent.readProps(codec, k.content(), repo.type() + " node " + k.key());
    }

    /**
     * Keeps an entry on its own (not in a transaction) and trims its scope.
     *
     * @throws GovernanceException the put's failure (nothing kept)
     */
    void record(Entry e) {
        repo.put(e.key(), e.text());
        trim(e);
    }

    /** Keeps an entry after the change it records has applied: a failure is a WARN, never thrown. */
    void recordAfter(Entry e) {
        try {
            record(e);
        } catch (GovernanceException ex) {
            LOG.warn("[{}] history: the change applied, but keeping revision {} in {} failed: {}", namespace,
                    e.record().revision(), e.scope(), ex.getMessage());
        }
    }

    /** Whether an entry fits in one node of the center; when not, says so in a WARN (the revision is not kept). */
    boolean fits(Entry e) {
        int bytes = e.text().getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= repo.maxValueBytes()) {
            return true;
        }
        LOG.warn("[{}] history: revision {} is not kept in {}: its entry is {} bytes, more than the {} bytes a {} node holds",
                namespace, e.record().revision(), e.scope(), bytes, repo.maxValueBytes(), repo.type());
        return false;
    }

    /** Drops the oldest entries of the entry's scope beyond the limit. Best effort: a failure is a WARN. */
    void trim(Entry e) {
        String scope = e.scope();
        try {
            List<String> names = repo.children(scope);
            for (int i = 0; i < names.size() - limit; i++) {
                repo.delete(Paths.join(scope, names.get(i)));
            }
        } catch (GovernanceException ex) {
            LOG.warn("[{}] history: trimming {} to {} entries failed (the next write trims again): {}", namespace, scope,
                    limit, ex.getMessage());
        }
    }

    /**
     * The put that rewrites the newest entry of {@code revision} in {@code scope} with {@code outcome},
     * for a transaction; empty if no entry of that revision is kept.
     */
    Optional<Operation.Put> outcomePut(String scope, String revision, Outcome outcome) {
        return newest(scope, revision).map(k -> {
            RevisionRecord r = k.record();
            RevisionRecord marked = new RevisionRecord(r.revision(), r.time(), r.host(), r.user(), r.message(), outcome);
            return new Operation.Put(k.key(), encode(marked, k.content()));
        });
    }

    /**
     * The put that sets the outcome of the entry at {@code key} (a rollout's, whose key it keeps),
     * or empty when that entry is not kept (trimmed, or too large to keep). Reads that one node.
     *
     * @throws GovernanceException the center's failure, or {@code INVALID_CONFIG} when the entry does not decode
     */
    Optional<Operation.Put> outcomePutAt(String key, Outcome outcome) {
        return repo.get(key).map(v -> {
            Kept k = parse(key, v.value());
            RevisionRecord r = k.record();
            RevisionRecord marked = new RevisionRecord(r.revision(), r.time(), r.host(), r.user(), r.message(), outcome);
            return new Operation.Put(key, encode(marked, k.content()));
        });
    }

    /**
     * Sets the outcome of the newest kept entry of a database's revision (the rollout: PROMOTED,
     * WITHDRAWN). Safe to repeat.
     *
     * @return false if no entry of that revision is kept (nothing written)
     * @throws GovernanceException the center's failure
     */
    boolean markOutcome(String db, String revision, Outcome outcome) {
        Optional<Operation.Put> put = outcomePut(scope(db), revision, outcome);
        put.ifPresent(p -> repo.put(p.key(), p.value()));
        return put.isPresent();
    }
}
