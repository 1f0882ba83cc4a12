package io.governor.api.config;

import io.governor.api.GovernanceException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of one tagged rule as read from YAML, handed to {@link RuleCodec#decode}. Every
 * accessor that finds a field of the wrong shape throws {@code INVALID_CONFIG} naming the rule, the
 * field and its line in the document.
 *
 * <p>Not thread-safe; valid only during the {@code decode} call.
 */
public interface RuleFields {

    /** The names of the fields present, in document order. */
    Set<String> names();

    /** Fails naming the first field that is not in {@code allowed}. */
    void requireOnly(Set<String> allowed);

    /** A scalar field as text, or empty if absent or null. */
    Optional<String> string(String field);

    /** A scalar field that must be present. */
    String requiredString(String field);

    /** A sequence of scalars, or an empty list if absent. */
    List<String> stringList(String field);

    /** A mapping of scalars to scalars, or an empty map if absent. */
    Map<String, String> stringMap(String field);

    /**
     * An {@code INVALID_CONFIG} exception naming the rule, the field, its line and {@code problem},
     * for semantic checks the codec makes itself. If the field is absent, the rule's own line is named.
     */
    GovernanceException invalid(String field, String problem);
}
