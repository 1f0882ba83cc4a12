package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.RuleConfig;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open rollout of a database: the document at {@link NodePaths#rollout}. Written by the admin that starts
 * it, read by every instance governing the database (to decide whether it runs the candidate) and by admins.
 * The candidate content is kept as the canonical texts of its nodes, so it decodes with the codec, limits and
 * error messages of the database's own nodes. Immutable.
 *
 * @param id             random id of this rollout
 * @param database       the database
 * @param host           host of the admin that started it
 * @param user           operating-system user of that admin
 * @param startedAt      when it started
 * @param message        the operator's note ("" when none)
 * @param baseRevision   the database's revision when it started
 * @param revision       the candidate revision
 * @param selector       how instances were chosen
 * @param labelKey       for {@link RolloutPlan.Selector#LABEL}: the label key, else null
 * @param labelValue     for {@link RolloutPlan.Selector#LABEL}: the label value, else null
 * @param selectorText   the selector as shown to operators
 * @param chosen         the instance ids chosen at start, sorted
 * @param candidate      the candidate content
 * @param rawDataSources the candidate's data source texts by name
 * @param rawRules       the candidate's rules text
 * @param historyEntry   the key of the candidate's history entry ({@link History}), written with the node, so
 *                       that the promote or withdraw marks its outcome without a search; null in a node
 *                       written without one
 */
record Rollout(String id, String database, String host, String user, Instant startedAt, String message,
               String baseRevision, String revision, RolloutPlan.Selector selector, String labelKey, String labelValue,
               String selectorText, List<String> chosen, DatabaseConfig candidate, Map<String, String> rawDataSources,
               String rawRules, String historyEntry) {

    Rollout {
        chosen = List.copyOf(new java.util.TreeSet<>(chosen));
        rawDataSources = Map.copyOf(rawDataSources);
    }

    /** Whether an instance runs the candidate: its id was chosen, or (label selector) it carries the label. */
    boolean chooses(String instanceId, Map<String, String> labels) {
        return chosen.contains(instanceId)
                || selector == RolloutPlan.Selector.LABEL && labelValue.equals(labels.get(labelKey));
    }

    /** The document text. */
    String write(YamlCodec codec) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("database", database);
        doc.put("startedBy", Map.of("host", host, "user", user));
        doc.put("startedAt", startedAt.toString());
        doc.put("message", message);
        doc.put("baseRevision", baseRevision);
        doc.put("revision", revision);
        Map<String, String> sel = new LinkedHashMap<>();
        sel.put("kind", selector.name());
        sel.put("text", selectorText);
        if (selector == RolloutPlan.Selector.LABEL) {
            sel.put("key", labelKey);
            sel.put("value", labelValue);
        }
        doc.put("selector", sel);
        Map<String, String> ids = new LinkedHashMap<>();
        chosen.forEach(i -> ids.put(i, "chosen"));
        doc.put("chosen", ids);
        doc.put("candidate", Map.of("rules", rawRules, "dataSources", new TreeMap<>(rawDataSources)));
        if (historyEntry != null) {
            doc.put("historyEntry", historyEntry);
        }
        return codec.writePlainMap(doc);
    }

    /**
     * A rollout from its document and the candidate's node texts, decoded and validated as the database's own
     * nodes are.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming {@code source} and what is wrong
     */
    static Rollout read(YamlCodec codec, String text, String source) {
        Map<String, Object> doc = codec.readPlainMap(text, source);
        Map<String, Object> by = map(doc, "startedBy", source);
        Map<String, Object> sel = map(doc, "selector", source);
        Map<String, Object> cand = map(doc, "candidate", source);
        RolloutPlan.Selector kind;
        try {
            kind = RolloutPlan.Selector.valueOf(string(sel, "kind", source));
        } catch (IllegalArgumentException e) {
            throw invalid(source, "selector.kind '" + sel.get("kind") + "' is none of " + List.of(RolloutPlan.Selector.values()));
        }
        Instant at;
        try {
            at = Instant.parse(string(doc, "startedAt", source));
        } catch (DateTimeParseException e) {
            throw invalid(source, "startedAt '" + doc.get("startedAt") + "' is not an ISO-8601 instant");
        }
        Map<String, String> rawDs = new TreeMap<>();
        Map<String, DataSourceConfig> ds = new TreeMap<>();
        for (Map.Entry<String, Object> e : map(cand, "dataSources", source).entrySet()) {
            if (!(e.getValue() instanceof String t)) {
                throw invalid(source, "candidate.dataSources." + e.getKey() + " is not a text");
            }
            rawDs.put(e.getKey(), t);
            ds.put(e.getKey(), codec.readDataSource(t, source + " candidate data source " + e.getKey()));
        }
        String rawRules = string(cand, "rules", source);
        List<RuleConfig> rules = List.copyOf(codec.readRules(rawRules, source + " candidate rules"));
        try {
            codec.ruleCodecs().validate(rules, ds.keySet());
        } catch (GovernanceException e) {
            throw invalid(source, "candidate rules: " + e.getMessage());
        }
        boolean label = kind == RolloutPlan.Selector.LABEL;
        return new Rollout(string(doc, "id", source), string(doc, "database", source), string(by, "host", source),
                string(by, "user", source), at, string(doc, "message", source), string(doc, "baseRevision", source),
                string(doc, "revision", source), kind, label ? string(sel, "key", source) : null,
                label ? string(sel, "value", source) : null, string(sel, "text", source),
                List.copyOf(map(doc, "chosen", source).keySet()), new DatabaseConfig(ds, rules), rawDs, rawRules,
                doc.get("historyEntry") instanceof String h ? h : null);
    }

    /** The rollout as operators see it: {@code rollout 1a2b of database 'orders' by ops@host since ...}. */
    String describe() {
        return "rollout " + id + " of database '" + database + "' (revision " + revision + " on " + selectorText
                + ", started by " + user + "@" + host + " at " + startedAt + (message.isEmpty() ? "" : ": " + message) + ")";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v instanceof Map<?, ?> inner) {
            return (Map<String, Object>) inner;
        }
        if ("".equals(v) || v == null && m.containsKey(key)) {
            return Map.of();
        }
        throw invalid(source, "'" + key + "' is missing or not a mapping");
    }

    private static String string(Map<String, Object> m, String key, String source) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw invalid(source, "'" + key + "' is missing or not a text");
    }

    private static GovernanceException invalid(String source, String what) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": rollout document: " + what);
    }
}
