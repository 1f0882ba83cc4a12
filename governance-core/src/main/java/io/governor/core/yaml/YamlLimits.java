package io.governor.core.yaml;

/**
 * Limits applied to every YAML document Governor reads. Documents from a center are untrusted
 * input, so size, nesting, aliases and the number of nodes are bounded; a document beyond any
 * limit is rejected before anything in it is used.
 */
public final class YamlLimits {

    /** The most characters (code points) a document may have: 4 Mi. */
    public static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

    /** The deepest nesting of mappings and sequences. */
    public static final int MAX_NESTING_DEPTH = 32;

    /** The most aliases to mappings or sequences in one document. */
    public static final int MAX_ALIASES = 16;

    /** The most nodes read from one document, counting every alias expansion. */
    public static final int MAX_NODES = 200_000;

    private YamlLimits() {
    }
}
