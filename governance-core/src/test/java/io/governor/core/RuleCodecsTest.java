package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleCodec;
import io.governor.api.config.RuleConfig;
import io.governor.api.config.RuleFields;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a rule set depends on: the data source names its codecs look up while validating it. */
class RuleCodecsTest {

    private static final Set<String> DATABASE = Set.of("primary", "replica_0", "replica_1", "spare");

    /** A rule type whose validation needs more than one name: it only checks that the database is not empty. */
    record NonEmptyRule() implements RuleConfig {
        @Override
        public String type() {
            return "NON_EMPTY";
        }
    }

    static class NonEmptyCodec implements RuleCodec<NonEmptyRule> {
        @Override
        public String tag() {
            return "NON_EMPTY";
        }

        @Override
        public Class<NonEmptyRule> ruleClass() {
            return NonEmptyRule.class;
        }

        @Override
        public NonEmptyRule decode(RuleFields fields) {
            return new NonEmptyRule();
        }

        @Override
        public Map<String, Object> encode(NonEmptyRule rule) {
            return Map.of();
        }

        @Override
        public void validate(NonEmptyRule rule, Set<String> dataSourceNames) {
            if (dataSourceNames.isEmpty()) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "no data sources");
            }
        }
    }

    @Test
    void rulesDependOnTheDataSourcesTheyName() {
        Set<String> named = RuleCodecs.load().validate(List.of(ReadwriteSplittingRule.of("primary", "replica_1")), DATABASE);
        assertEquals(List.of("primary", "replica_1"), List.copyOf(named));
    }

    @Test
    void noRulesDependOnNoDataSource() {
        assertEquals(Set.of(), RuleCodecs.load().validate(List.of(), DATABASE));
    }

    @Test
    void ruleWhoseValidationEnumeratesTheDataSourcesDependsOnEveryOne() {
        RuleCodecs codecs = RuleCodecs.load(List.of(new NonEmptyCodec()));
        Set<String> named = codecs.validate(List.of(ReadwriteSplittingRule.of("primary"), new NonEmptyRule()), DATABASE);
        assertEquals(DATABASE, named);
    }

    @Test
    void validationCannotChangeTheDataSourcesItIsGiven() {
        RuleCodec<NonEmptyRule> clearing = new NonEmptyCodec() {
            @Override
            public void validate(NonEmptyRule rule, Set<String> dataSourceNames) {
                dataSourceNames.clear();
            }
        };
        assertThrows(UnsupportedOperationException.class,
                () -> RuleCodecs.load(List.of(clearing)).validate(List.of(new NonEmptyRule()), new java.util.HashSet<>(DATABASE)));
    }
}
