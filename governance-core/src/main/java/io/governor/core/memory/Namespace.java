package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

/**
 * A memory client's namespace: maps its keys to full store keys and back, and builds its error
 * messages (operation, key, repository type and namespace). Immutable.
 */
final class Namespace {

    private final String base;
    private final String label;

    Namespace(String namespace) {
        this.base = namespace.isEmpty() ? "" : "/" + namespace;
        this.label = namespace.isEmpty() ? "memory" : namespace;
    }

    /** The namespace for logs and thread names ({@code memory} for the root). */
    String label() {
        return label;
    }

    /** The full store key of a client key ({@code /} is the namespace itself). */
    String full(String key) {
        return base.isEmpty() ? key : "/".equals(key) ? base : base + key;
    }

    /** The client key of a full store key, or null when it lies outside this namespace. */
    String relative(String fullKey) {
        if (base.isEmpty()) {
            return fullKey;
        }
        return fullKey.startsWith(base + "/") ? fullKey.substring(base.length()) : null;
    }

    /** The one place the memory repository's errors are made. */
    GovernanceException error(ErrorCode code, String operation, String key, String detail) {
        return new GovernanceException(code, operation + " '" + key + "' on memory repository '" + label + "': " + detail);
    }
}
