package io.governor.api.config;

/**
 * A typed rule of a database. Every rule type has a YAML tag ({@code !READWRITE_SPLITTING}) and a
 * {@link RuleCodec} found through {@link java.util.ServiceLoader}.
 *
 * <p>Implementations must be immutable, with value-based {@code equals} and {@code hashCode}.
 */
public interface RuleConfig {

    /** The rule's type, which is also its YAML tag without the {@code !}. */
    String type();
}
