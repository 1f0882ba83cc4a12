package io.governor.api.config;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Paths;
import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything an application ships in {@code governor.yaml}: where the centers are, the namespace,
 * the bootstrap mode and the local configuration (databases and props).
 *
 * <p>Immutable and thread-safe; built with {@link #builder(String)} and validated in
 * {@link Builder#build()}. The centers' namespaces are set to {@link #namespace()}.
 */
public final class GovernanceConfig {

    /** Default of {@link Builder#startupTimeout(Duration)}: 30 s. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@link Builder#historyLimit(int)}: 100 revisions per database. */
    public static final int DEFAULT_HISTORY_LIMIT = 100;
    /** Most labels an instance may carry. */
    public static final int MAX_LABELS = 32;

    private final String namespace;
    private final RepositoryConfig registryCenter;
    private final RepositoryConfig configCenter;
    private final BootstrapMode bootstrap;
    private final Map<String, DatabaseConfig> databases;
    private final GovernanceProps props;
    private final Duration startupTimeout;
    private final Map<String, String> labels;
    private final boolean strictStartup;
    private final int historyLimit;

    private GovernanceConfig(Builder b) {
        this.namespace = b.namespace;
        this.registryCenter = b.registryCenter.toBuilder().namespace(b.namespace).build();
        this.configCenter = b.configCenter == null ? null : b.configCenter.toBuilder().namespace(b.namespace).build();
        this.bootstrap = b.bootstrap;
        this.databases = Collections.unmodifiableMap(new TreeMap<>(b.databases));
        this.props = b.props;
        this.startupTimeout = b.startupTimeout;
        this.labels = Collections.unmodifiableMap(new TreeMap<>(b.labels));
        this.strictStartup = b.strictStartup;
        this.historyLimit = b.historyLimit;
    }

    /** Starts a builder for a namespace (one per application cluster). */
    public static Builder builder(String namespace) {
        return new Builder(namespace);
    }

    /** A builder with every field of this config. */
    public Builder toBuilder() {
        Builder b = new Builder(namespace).registryCenter(registryCenter).configCenter(configCenter)
                .bootstrap(bootstrap).props(props).startupTimeout(startupTimeout).labels(labels)
                .strictStartup(strictStartup).historyLimit(historyLimit);
        databases.forEach(b::database);
        return b;
    }

    /** The namespace, a legal path segment. */
    public String namespace() {
        return namespace;
    }

    /** The registry center (status, control, locks); its namespace is {@link #namespace()}. */
    public RepositoryConfig registryCenter() {
        return registryCenter;
    }

    /** The config center, if one other than the registry center is configured. */
    public Optional<RepositoryConfig> configCenter() {
        return Optional.ofNullable(configCenter);
    }

    /** The config center, or the registry center when none is configured. */
    public RepositoryConfig effectiveConfigCenter() {
        return configCenter == null ? registryCenter : configCenter;
    }

    /** The bootstrap mode. */
    public BootstrapMode bootstrap() {
        return bootstrap;
    }

    /** The local database configurations by name. */
    public Map<String, DatabaseConfig> databases() {
        return databases;
    }

    /** The local props. */
    public GovernanceProps props() {
        return props;
    }

    /** How long start-up may take to reach the centers before it fails. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /**
     * The labels this instance carries ({@code governance.labels}, for example {@code zone: eu-1}): shown
     * in its status, and a rollout can choose the instances that carry one. Sorted by name.
     */
    public Map<String, String> labels() {
        return labels;
    }

    /**
     * Whether start-up fails when a database's current revision cannot be applied here
     * ({@code governance.strictStartup: true}); by default (false) the instance starts on the
     * database's last good revision instead, says so, and keeps retrying the current one.
     */
    public boolean strictStartup() {
        return strictStartup;
    }

    /** How many revisions the center keeps per database and for the props ({@code governance.historyLimit}). */
    public int historyLimit() {
        return historyLimit;
    }

    @Override
    public String toString() {
        return "GovernanceConfig{namespace=" + namespace + ", registryCenter=" + registryCenter
                + ", configCenter=" + configCenter + ", bootstrap=" + bootstrap + ", databases="
                + databases.keySet() + "}";
    }

    /** Builds a {@link GovernanceConfig}. Not thread-safe. */
    public static final class Builder {
        private final String namespace;
        private RepositoryConfig registryCenter;
        private RepositoryConfig configCenter;
        private BootstrapMode bootstrap = BootstrapMode.CENTER;
        private final Map<String, DatabaseConfig> databases = new TreeMap<>();
        private GovernanceProps props = GovernanceProps.empty();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> labels = new TreeMap<>();
        private boolean strictStartup;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;

        private Builder(String namespace) {
            this.namespace = namespace == null ? null : namespace.trim();
        }

        /** The registry center. Required. */
        public Builder registryCenter(RepositoryConfig registryCenter) {
            this.registryCenter = registryCenter;
            return this;
        }

        /** The config center; null means the registry center serves as config center too. */
        public Builder configCenter(RepositoryConfig configCenter) {
            this.configCenter = configCenter;
            return this;
        }

        /** The bootstrap mode; default {@link BootstrapMode#CENTER}. */
        public Builder bootstrap(BootstrapMode bootstrap) {
            this.bootstrap = bootstrap == null ? BootstrapMode.CENTER : bootstrap;
            return this;
        }

        /** Adds or replaces a local database configuration. */
        public Builder database(String name, DatabaseConfig config) {
            databases.put(Paths.requireSegment(name, "database name"), java.util.Objects.requireNonNull(config, "config"));
            return this;
        }

        /** The local props. */
        public Builder props(GovernanceProps props) {
            this.props = props == null ? GovernanceProps.empty() : props;
            return this;
        }

        /** How long start-up may take to reach the centers; default {@link #DEFAULT_STARTUP_TIMEOUT}. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Replaces the instance's labels (see {@link GovernanceConfig#labels()}); null means none. */
        public Builder labels(Map<String, String> labels) {
            this.labels.clear();
            if (labels != null) {
                this.labels.putAll(labels);
            }
            return this;
        }

        /** Fail start-up rather than start on a database's last good revision; default false. */
        public Builder strictStartup(boolean strictStartup) {
            this.strictStartup = strictStartup;
            return this;
        }

        /** How many revisions the center keeps per database; default {@link #DEFAULT_HISTORY_LIMIT}. */
        public Builder historyLimit(int historyLimit) {
            this.historyLimit = historyLimit;
            return this;
        }

        /**
         * @throws GovernanceException {@code INVALID_CONFIG} when the namespace is not a legal name, the
         *         registry center is missing or the startup timeout is not positive
         */
        public GovernanceConfig build() {
            if (namespace == null || !Paths.isSegment(namespace)) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.namespace '" + namespace
                        + "' is not a legal name: use 1 to " + Paths.MAX_SEGMENT_LENGTH + " characters from "
                        + Paths.SEGMENT_CHARACTERS);
            }
            if (registryCenter == null) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.registryCenter is required");
            }
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "startup timeout must be positive");
            }
            if (historyLimit < 1 || historyLimit > 10_000) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.historyLimit " + historyLimit
                        + " is out of range: keep 1 to 10000 revisions");
            }
            if (labels.size() > MAX_LABELS) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.labels: " + labels.size()
                        + " labels; at most " + MAX_LABELS);
            }
            labels.forEach((k, v) -> {
                if (k == null || !Paths.isSegment(k) || v == null || !Paths.isSegment(v)) {
                    throw new GovernanceException(ErrorCode.INVALID_CONFIG, "governance.labels: label '" + k + "': '" + v
                            + "' is not a legal name and value: use 1 to " + Paths.MAX_SEGMENT_LENGTH
                            + " characters from " + Paths.SEGMENT_CHARACTERS);
                }
            });
            return new GovernanceConfig(this);
        }
    }
}
