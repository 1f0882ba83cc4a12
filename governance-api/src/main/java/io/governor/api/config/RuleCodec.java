package io.governor.api.config;

import java.util.Map;
import java.util.Set;

/**
 * Reads and writes one rule type. Found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.governor.api.config.RuleCodec}); an application adds a rule type by
 * shipping a codec. Two codecs with the same tag are a startup error.
 *
 * <p>Implementations are stateless and thread-safe, with a public no-argument constructor.
 *
 * @param <T> the rule class
 */
public interface RuleCodec<T extends RuleConfig> {

    /** The YAML tag without {@code !}, upper-case letters, digits and {@code _}; equal to {@link RuleConfig#type()}. */
    String tag();

    /** The rule class this codec handles. */
    Class<T> ruleClass();

    /**
     * Builds a rule from its fields. Untrusted input: reject what is not understood.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG}, preferably through
     *         {@link RuleFields#invalid} so that the field and line are named
     */
    T decode(RuleFields fields);

    /**
     * The rule's fields for YAML, in the order they should be written: values are {@code String},
     * {@code Number}, {@code Boolean}, {@code List} of those, or {@code Map<String, ?>} of those.
     * {@code decode(encode(rule))} must equal {@code rule}.
     */
    Map<String, Object> encode(T rule);

    /**
     * Checks the rule against the database it belongs to, e.g. that every data source it names
     * exists. The default accepts everything.
     *
     * <p>Look names up with {@code contains}: the names looked up are the data sources a write of
     * the rule is guarded by (a concurrent removal of one makes the write fail with
     * {@code CONFLICT}). A codec that enumerates the set (iterates it, asks its size) makes every
     * rule write depend on every data source of the database; on etcd (128 compares per
     * transaction by default) its rules can then not be changed once the database has about 125.
     *
     * @param dataSourceNames the data sources of the database (read-only)
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} naming what is wrong
     */
    default void validate(T rule, Set<String> dataSourceNames) {
    }
}
