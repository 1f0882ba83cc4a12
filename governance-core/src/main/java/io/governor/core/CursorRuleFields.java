package io.governor.core;

import io.governor.api.GovernanceException;
import io.governor.api.config.RuleFields;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link RuleFields} over a tagged YAML mapping; errors name the rule tag, field and line. */
final class CursorRuleFields implements RuleFields {

    private final Cursor rule;
    private final Map<String, Cursor> fields;

    CursorRuleFields(Cursor rule) {
        this.rule = rule;
        this.fields = rule.isNull() ? Map.of() : rule.taggedMapping();
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    @Override
    public void requireOnly(Set<String> allowed) {
        for (Map.Entry<String, Cursor> e : fields.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("unknown field '" + e.getKey() + "' of rule " + rule.tag()
                        + io.governor.api.DidYouMean.suggest(e.getKey(), allowed) + "; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    @Override
    public Optional<String> string(String field) {
        Cursor c = fields.get(field);
        if (c == null || c.isNull()) {
            return Optional.empty();
        }
        String s = c.scalar();
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    @Override
    public String requiredString(String field) {
        return string(field).orElseThrow(() -> invalid(field, "is required"));
    }

    @Override
    public List<String> stringList(String field) {
        Cursor c = fields.get(field);
        if (c == null || c.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Cursor item : c.sequence()) {
            String s = item.scalar();
            if (s == null || s.isBlank()) {
                throw item.error("list entries of rule " + rule.tag() + " must not be empty");
            }
            out.add(s.trim());
        }
        return out;
    }

    @Override
    public Map<String, String> stringMap(String field) {
        Cursor c = fields.get(field);
        if (c == null || c.isNull()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Cursor> e : c.mapping().entrySet()) {
            out.put(e.getKey(), e.getValue().requiredScalar());
        }
        return out;
    }

    @Override
    public GovernanceException invalid(String field, String problem) {
        Cursor c = fields.get(field);
        if (c == null) {
            return rule.error("rule " + rule.tag() + ": field '" + field + "' " + problem);
        }
        return c.error("rule " + rule.tag() + ": " + problem);
    }
}
