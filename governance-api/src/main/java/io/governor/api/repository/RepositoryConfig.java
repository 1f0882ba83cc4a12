package io.governor.api.repository;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach one center: the repository type, its servers, the namespace inside it and typed
 * properties (timeouts, credentials, TLS, retry). Built with {@link #builder(String)}, validated in
 * {@link Builder#build()}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} masks every secret property (see
 * {@link #isSecret(String)}), so a config can be logged.
 *
 * <p>Property values are text, as in YAML; the typed accessors parse them and throw
 * {@code INVALID_CONFIG} naming the property when the text does not parse. Durations take a unit:
 * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} (a bare number means milliseconds).
 */
public final class RepositoryConfig {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final String type;
    private final String serverLists;
    private final String namespace;
    private final Map<String, String> props;
    private final Map<String, String> origins;

    private RepositoryConfig(Builder b) {
        this.type = b.type;
        this.serverLists = b.serverLists;
        this.namespace = b.namespace;
        this.props = Collections.unmodifiableMap(new TreeMap<>(b.props));
        Map<String, String> o = new TreeMap<>(b.origins);
        o.keySet().retainAll(props.keySet());
        this.origins = Collections.unmodifiableMap(o);
    }

    /** Starts a builder for a repository of {@code type} (case-insensitive, stored lower-case). */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** A builder with every field of this config, for deriving a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(type).serverLists(serverLists).namespace(namespace);
        b.props.putAll(props);
        b.origins.putAll(origins);
        return b;
    }

    /** The repository type key, lower-case. */
    public String type() {
        return type;
    }

    /** The server list in the backend's own syntax (e.g. {@code host1:2181,host2:2181}); may be empty. */
    public String serverLists() {
        return serverLists;
    }

    /** The namespace inside the backend, a legal path segment, or empty for the backend's root. */
    public String namespace() {
        return namespace;
    }

    /** All properties, sorted by name, unmodifiable. Contains secrets: do not log it. */
    public Map<String, String> props() {
        return props;
    }

    /** A property's text, or null. */
    public String property(String name) {
        return props.get(name);
    }

    /** A text property, or {@code defaultValue}. */
    public String stringProperty(String name, String defaultValue) {
        String v = props.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    /** A duration property, or {@code defaultValue}. */
    public Duration durationProperty(String name, Duration defaultValue) {
        String v = props.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return parseDuration(v, "property '" + name + "' of " + type + " repository");
        } catch (GovernanceException e) {
            throw invalidProperty(name, e.getMessage());
        }
    }

    /** An integer property, or {@code defaultValue}. */
    public int intProperty(String name, int defaultValue) {
        String v = props.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw invalidProperty(name, "property '" + name + "' must be an integer, got '" + shown(name, v) + "'");
        }
    }

    /**
     * A text property that must be set (not blank).
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the property when it is missing
     */
    public String requiredProperty(String name) {
        String v = stringProperty(name, null);
        if (v == null) {
            throw invalid("property '" + name + "' is required for " + type + " repository");
        }
        return v;
    }

    /**
     * A duration property from {@code min} to {@code max} (null: no upper bound), or
     * {@code defaultValue}.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the property when it does not parse
     *         or is out of range
     */
    public Duration durationProperty(String name, Duration defaultValue, Duration min, Duration max) {
        Duration d = durationProperty(name, defaultValue);
        return inRange(name, d, min, max == null ? d : max, max == null, v -> v.toMillis() + "ms");
    }

    /**
     * An integer property from {@code min} to {@code max}, or {@code defaultValue}.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} naming the property when it does not parse
     *         or is out of range
     */
    public int intProperty(String name, int defaultValue, int min, int max) {
        return inRange(name, intProperty(name, defaultValue), min, max, max == Integer.MAX_VALUE, String::valueOf);
    }

    private <T extends Comparable<T>> T inRange(String name, T value, T min, T max, boolean noMax, Function<T, String> text) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalidProperty(name, "property '" + name + "' of " + type + " repository must be "
                    + (noMax ? "at least " + text.apply(min) : "between " + text.apply(min) + " and " + text.apply(max))
                    + ", got " + text.apply(value));
        }
        return value;
    }

    /**
     * Fails unless both or neither of two properties are set (not blank), such as a user and its
     * password. Never shows the values.
     *
     * @param hint what to do, appended to the message; may be null
     * @throws GovernanceException {@code INVALID_CONFIG} naming both properties
     */
    public void requireTogether(String first, String second, String hint) {
        if ((stringProperty(first, null) == null) != (stringProperty(second, null) == null)) {
            throw invalid("properties '" + first + "' and '" + second + "' of " + type + " repository go together"
                    + (hint == null ? ": set both or neither" : ": " + hint));
        }
    }

    /**
     * The server list, which must not be empty.
     *
     * @param example a server list for the message, e.g. {@code 127.0.0.1:2181}
     * @throws GovernanceException {@code INVALID_CONFIG} when it is empty
     */
    public String requireServerLists(String example) {
        if (serverLists.isEmpty()) {
            throw invalid("serverLists of " + type + " repository must name at least one server, e.g. " + example);
        }
        return serverLists;
    }

    /** A reader for a settings class: see {@link Reader}. */
    public Reader reader() {
        return new Reader();
    }

    /**
     * Reads a repository's properties in one pass, so that a settings class spells each property
     * name once: every accessor remembers the name it read, and {@link #done()} rejects the first
     * property that was never read (unknown or misspelt, with a suggestion), as
     * {@link #requireKnownProperties} does, before it reports the first invalid value. An accessor
     * whose value is invalid returns its default and leaves the failure to {@code done()}.
     *
     * <pre>{@code
     * RepositoryConfig.Reader r = config.reader();
     * this.appId = r.required("appId");
     * this.timeout = r.duration("timeout", Duration.ofSeconds(5), Duration.ofMillis(1), null);
     * r.done();
     * }</pre>
     *
     * <p>Not thread-safe: one per settings object. Never shows a secret value.
     */
    public final class Reader {
        private final Set<String> names = new TreeSet<>();
        private GovernanceException failure;

        private Reader() {
        }

        /** {@link #stringProperty}: the trimmed text, or {@code defaultValue} when blank. */
        public String string(String name, String defaultValue) {
            return read(name, defaultValue, () -> stringProperty(name, defaultValue));
        }

        /** {@link #property}: the text as written, or null; for secrets, which are not trimmed. */
        public String secret(String name) {
            return read(name, null, () -> property(name));
        }

        /** {@link #requiredProperty}. */
        public String required(String name) {
            return read(name, null, () -> requiredProperty(name));
        }

        /** {@link #durationProperty(String, Duration, Duration, Duration)}. */
        public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
            return read(name, defaultValue, () -> durationProperty(name, defaultValue, min, max));
        }

        /** {@link #intProperty(String, int, int, int)}. */
        public int integer(String name, int defaultValue, int min, int max) {
            return read(name, defaultValue, () -> intProperty(name, defaultValue, min, max));
        }

        /** {@link #requireTogether}; reads neither property. */
        public void together(String first, String second, String hint) {
            names.add(second);
            read(first, null, () -> {
                requireTogether(first, second, hint);
                return null;
            });
        }

        /**
         * Fails on the first property that was not read, then on the first invalid value.
         *
         * @throws GovernanceException {@code INVALID_CONFIG}
         */
        public void done() {
            requireKnownProperties(names);
            if (failure != null) {
                throw failure;
            }
        }

        private <T> T read(String name, T fallback, Supplier<T> value) {
            names.add(name);
            try {
                return value.get();
            } catch (GovernanceException e) {
                failure = failure == null ? e : failure;
                return fallback;
            }
        }
    }

    /** A boolean property ({@code true} / {@code false}), or {@code defaultValue}. */
    public boolean booleanProperty(String name, boolean defaultValue) {
        String v = props.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw invalidProperty(name, "property '" + name + "' must be true or false, got '" + shown(name, v) + "'");
    }

    /**
     * Checks that this configuration is for {@code providerType} (case-insensitively), so that a
     * configuration of another type, handed to a provider directly rather than through the lookup by
     * type, fails instead of being misread. {@link AbstractRepositoryProvider#create} calls it; a
     * provider that implements {@link RepositoryProvider} itself calls it first in {@code create}.
     *
     * @return this configuration
     * @throws GovernanceException {@code INVALID_CONFIG} naming both types
     */
    public RepositoryConfig requireType(String providerType) {
        if (!type.equalsIgnoreCase(providerType)) {
            throw invalid(providerType + " provider cannot create a repository of type '" + type + "'");
        }
        return this;
    }

    /**
     * Fails with {@code INVALID_CONFIG} naming the first property that is not in {@code known}, and
     * listing the known ones. Providers call it so that a misspelt property is not silently ignored.
     * When the property was read from a file, the message starts with where it was written
     * ({@link Builder#origin}).
     */
    public void requireKnownProperties(Set<String> known) {
        for (String name : props.keySet()) {
            if (!known.contains(name)) {
                throw invalidProperty(name, "unknown property '" + name + "' for " + type + " repository"
                        + io.governor.api.DidYouMean.suggest(name, known) + "; known: "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /**
     * Whether a property holds a secret and must never be logged: its name contains
     * {@code password}, {@code passwd}, {@code secret}, {@code token}, {@code digest},
     * {@code credential} or {@code accesskey} (case-insensitive).
     */
    public static boolean isSecret(String propertyName) {
        String n = propertyName.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("passwd") || n.contains("secret") || n.contains("token")
                || n.contains("digest") || n.contains("credential") || n.contains("accesskey");
    }

    /**
     * Parses a duration such as {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}; a bare number is
     * milliseconds.
     *
     * @param what names the value in the error message
     * @throws GovernanceException {@code INVALID_CONFIG} when the text does not parse
     */
    public static Duration parseDuration(String text, String what) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(what + " must be a duration like 500ms, 10s, 2m or 1h, got '" + text + "'");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw invalid(what + " is out of range: '" + text + "'");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static String shown(String name, String value) {
        return isSecret(name) ? "******" : value;
    }

    /**
     * Where a property was written, e.g. {@code governor.yaml: line 4, key
     * 'governance.registryCenter.props.sessionTimeout'}, or null when it was set in code.
     */
    public String origin(String name) {
        return origins.get(name);
    }

    /**
     * An {@code INVALID_CONFIG} about a property, for checks a repository makes beyond the typed
     * accessors; the message is prefixed with where the property was written when that is known.
     * Never put a secret value in {@code message}.
     */
    public GovernanceException invalidProperty(String name, String message) {
        String where = origins.get(name);
        return invalid(where == null ? message : where + ": " + message);
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RepositoryConfig c && type.equals(c.type) && serverLists.equals(c.serverLists)
                && namespace.equals(c.namespace) && props.equals(c.props);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, serverLists, namespace, props);
    }

    /** The config with secret property values replaced by {@code ******}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RepositoryConfig{type=").append(type)
                .append(", serverLists=").append(serverLists)
                .append(", namespace=").append(namespace).append(", props={");
        String sep = "";
        for (Map.Entry<String, String> e : props.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(shown(e.getKey(), e.getValue()));
            sep = ", ";
        }
        return sb.append("}}").toString();
    }

    /** Builds a {@link RepositoryConfig}. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private String serverLists = "";
        private String namespace = "";
        private final Map<String, String> props = new TreeMap<>();
        private final Map<String, String> origins = new TreeMap<>();

        private Builder(String type) {
            this.type = type == null ? null : type.trim().toLowerCase(Locale.ROOT);
        }

        /** The backend's server list; null is treated as empty. */
        public Builder serverLists(String serverLists) {
            this.serverLists = serverLists == null ? "" : serverLists.trim();
            return this;
        }

        /** The namespace (a legal path segment), or empty for the backend's root. */
        public Builder namespace(String namespace) {
            this.namespace = namespace == null ? "" : namespace.trim();
            return this;
        }

        /** Sets a property; a null value removes it. */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "property name");
            if (value == null) {
                props.remove(name);
            } else {
                props.put(name, value);
            }
            return this;
        }

        /**
         * Records where a property was written (a file and line, a center key), so that an error
         * about it names the place. Not part of equality; not needed for configs built in code.
         */
        public Builder origin(String name, String where) {
            Objects.requireNonNull(name, "property name");
            if (where == null) {
                origins.remove(name);
            } else {
                origins.put(name, where);
            }
            return this;
        }

        /** Sets a duration property in a form {@link #durationProperty} reads back. */
        public Builder property(String name, Duration value) {
            return property(name, value == null ? null : value.toMillis() + "ms");
        }

        /** Sets every entry of {@code properties}. */
        public Builder properties(Map<String, String> properties) {
            properties.forEach(this::property);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws GovernanceException {@code INVALID_CONFIG} when the type is blank or the namespace is not a legal segment
         */
        public RepositoryConfig build() {
            if (type == null || type.isEmpty()) {
                throw invalid("repository type must not be blank");
            }
            if (!namespace.isEmpty() && !Paths.isSegment(namespace)) {
                throw invalid("namespace '" + namespace + "' of " + type + " repository is not a legal name: use 1 to "
                        + Paths.MAX_SEGMENT_LENGTH + " characters from " + Paths.SEGMENT_CHARACTERS);
            }
            return new RepositoryConfig(this);
        }
    }
}
