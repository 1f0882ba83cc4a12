package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.RuleCodec;
import io.governor.api.config.RuleConfig;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rule codecs in use, by tag: the built-in {@code !READWRITE_SPLITTING} codec, those found
 * through {@link ServiceLoader} and any given explicitly. Immutable and thread-safe once built.
 */
final class RuleCodecs {

    private static final Pattern TAG = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final Map<String, RuleCodec<?>> byTag;

    private RuleCodecs(Map<String, RuleCodec<?>> byTag) {
        this.byTag = byTag;
    }

    /** The built-in codec, the codecs found by ServiceLoader on the class loader of this class, and {@code extra}. */
    static RuleCodecs load(Collection<? extends RuleCodec<?>> extra) {
        Map<String, RuleCodec<?>> map = new TreeMap<>();
        List<RuleCodec<?>> all = new ArrayList<>();
        all.add(new ReadwriteSplittingRuleCodec());
        for (RuleCodec<?> c : ServiceLoader.load(RuleCodec.class, RuleCodecs.class.getClassLoader())) {
            all.add(c);
        }
        all.addAll(extra);
        for (RuleCodec<?> c : all) {
            String tag = c.tag();
            if (tag == null || !TAG.matcher(tag).matches()) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "rule codec " + c.getClass().getName()
                        + " has an invalid tag '" + tag + "': use upper-case letters, digits and '_'");
            }
            RuleCodec<?> prev = map.putIfAbsent(tag, c);
            if (prev != null && prev.getClass() != c.getClass()) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "two rule codecs for tag !" + tag + ": "
                        + prev.getClass().getName() + " and " + c.getClass().getName());
            }
        }
        return new RuleCodecs(Map.copyOf(map));
    }

    /** The built-in codec and the codecs found by ServiceLoader. */
    static RuleCodecs load() {
        return load(List.of());
    }

    /** The codec for a tag (without {@code !}), or null. */
    RuleCodec<?> forTag(String tag) {
        return byTag.get(tag);
    }

    /** The known tags, sorted. */
    Set<String> tags() {
        return new java.util.TreeSet<>(byTag.keySet());
    }

    /** The codec for a rule, or {@code INVALID_CONFIG} if its type has none. */
    @SuppressWarnings("unchecked")
    <T extends RuleConfig> RuleCodec<T> forRule(T rule) {
        RuleCodec<?> c = byTag.get(rule.type());
        if (c == null || !c.ruleClass().isInstance(rule)) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "no rule codec for rule type '" + rule.type()
                    + "' (" + rule.getClass().getName() + "); known: " + tags());
        }
        return (RuleCodec<T>) c;
    }

    /**
     * Checks a rule set against the data sources of its database with each rule's codec, and says
     * which data sources its validity depends on: the names the codecs looked up
     * ({@code contains}), present or not, or every data source if a codec enumerated the set
     * (iterated it, asked its size). A write of these rules is guarded by exactly those nodes (and
     * the rules node): a data source the rules never asked about cannot make them invalid.
     *
     * @return the data source names the rules depend on, sorted
     * @throws GovernanceException {@code INVALID_CONFIG} naming the rule and what is wrong
     */
    Set<String> validate(List<RuleConfig> rules, Set<String> dataSourceNames) {
        Set<String> seenTypes = new java.util.HashSet<>();
        LookupRecorder names = new LookupRecorder(dataSourceNames);
        for (RuleConfig r : rules) {
            if (!seenTypes.add(r.type())) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "rule !" + r.type() + " appears twice");
            }
            forRule(r).validate(r, names);
        }
        return names.enumerated ? new TreeSet<>(dataSourceNames) : names.looked;
    }

    /** A read-only view of a set that records the elements looked up and whether it was enumerated. */
    private static final class LookupRecorder extends AbstractSet<String> {

        private final Set<String> names;
        final Set<String> looked = new TreeSet<>();
        boolean enumerated;

        LookupRecorder(Set<String> names) {
            this.names = names;
        }

        @Override
        public boolean contains(Object o) {
            if (o instanceof String s) {
                looked.add(s);
            }
            return names.contains(o);
        }

        @Override
        public Iterator<String> iterator() {
            enumerated = true;
            return Collections.unmodifiableSet(names).iterator();
        }

        @Override
        public int size() {
            enumerated = true;
            return names.size();
        }
    }
}
