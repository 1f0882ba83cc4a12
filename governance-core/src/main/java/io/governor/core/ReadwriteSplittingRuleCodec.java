package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleCodec;
import io.governor.api.config.RuleFields;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The codec of the built-in {@code !READWRITE_SPLITTING} rule. Stateless and thread-safe. */
final class ReadwriteSplittingRuleCodec implements RuleCodec<ReadwriteSplittingRule> {

    private static final Set<String> FIELDS = Set.of("primary", "replicas", "loadBalancer", "weights");

    @Override
    public String tag() {
        return ReadwriteSplittingRule.TYPE;
    }

    @Override
    public Class<ReadwriteSplittingRule> ruleClass() {
        return ReadwriteSplittingRule.class;
    }

    @Override
    public ReadwriteSplittingRule decode(RuleFields fields) {
        fields.requireOnly(FIELDS);
        String primary = fields.requiredString("primary");
        LoadBalancerType lb = LoadBalancerType.ROUND_ROBIN;
        String lbText = fields.string("loadBalancer").orElse(null);
        if (lbText != null) {
            try {
                lb = LoadBalancerType.valueOf(lbText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fields.invalid("loadBalancer", "unknown load balancer '" + lbText
                        + "'; use ROUND_ROBIN, RANDOM or WEIGHT");
            }
        }
        Map<String, Integer> weights = new TreeMap<>();
        for (Map.Entry<String, String> w : fields.stringMap("weights").entrySet()) {
            try {
                weights.put(w.getKey(), Integer.parseInt(w.getValue()));
            } catch (NumberFormatException e) {
                throw fields.invalid("weights", "weight of '" + w.getKey() + "' must be an integer");
            }
        }
        try {
            return new ReadwriteSplittingRule(primary, fields.stringList("replicas"), lb, weights);
        } catch (GovernanceException e) {
            throw fields.invalid("replicas", e.getMessage().replace("rule !" + ReadwriteSplittingRule.TYPE + ": ", ""));
        }
    }

    @Override
    public Map<String, Object> encode(ReadwriteSplittingRule rule) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("primary", rule.primary());
        out.put("replicas", rule.replicas());
        out.put("loadBalancer", rule.loadBalancer().name());
        if (!rule.weights().isEmpty()) {
            Map<String, Object> w = new LinkedHashMap<>(rule.weights());
            out.put("weights", w);
        }
        return out;
    }

    @Override
    public void validate(ReadwriteSplittingRule rule, Set<String> dataSourceNames) {
        for (String name : rule.dataSourceNames()) {
            if (!dataSourceNames.contains(name)) {
                String role = name.equals(rule.primary()) ? "primary" : "replica";
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "rule !" + ReadwriteSplittingRule.TYPE + ": "
                        + role + " '" + name + "' names no data source; data sources: " + new java.util.TreeSet<>(dataSourceNames));
            }
        }
    }
}
