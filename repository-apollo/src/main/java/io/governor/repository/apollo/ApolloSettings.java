package io.governor.repository.apollo;

import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.support.Checks;
import io.governor.api.repository.support.VersionedText;

import java.time.Duration;

/**
 * The Apollo repository's settings, read from a {@link RepositoryConfig} and validated once.
 * Immutable. {@link #toString()} never shows the token.
 */
final class ApolloSettings {

    static final String DEFAULT_CLUSTER = "default";
    static final String DEFAULT_NAMESPACE_NAME = "application";
    static final String DEFAULT_ENV = "DEV";
    static final String DEFAULT_OPERATOR = "apollo";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Below Apollo's default {@code item.value.length.limit} of 20000 characters, leaving room for the
     * version header and, for hashed item keys, the full item key ({@link VersionedText}).
     */
    static final int DEFAULT_MAX_VALUE_BYTES = 16_384;
    /** Apollo's default {@code item.key.length.limit}. */
    static final int DEFAULT_MAX_ITEM_KEY_LENGTH = 128;
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    final String namespace;
    final String metaServer;
    final String appId;
    final String cluster;
    final String namespaceName;
    final String env;
    final String portalUrl;
    final String token;
    final String operator;
    final Duration connectTimeout;
    final Duration readTimeout;
    final Duration syncTimeout;
    final int maxValueBytes;
    final int maxItemKeyLength;
    /** The checks and error wording of the repository these settings open. */
    final Checks checks;

    ApolloSettings(RepositoryConfig config) {
        RepositoryConfig.Reader r = config.reader();
        this.namespace = config.namespace();
        this.metaServer = config.serverLists();
        this.appId = r.required("appId");
        this.cluster = r.string("cluster", DEFAULT_CLUSTER);
        this.namespaceName = r.string("namespaceName", DEFAULT_NAMESPACE_NAME);
        this.env = r.string("env", DEFAULT_ENV);
        r.together("portalUrl", "token", "set both to write, or neither for a read-only repository");
        this.portalUrl = r.string("portalUrl", null);
        this.token = r.string("token", null);
        this.operator = r.string("operator", DEFAULT_OPERATOR);
        this.connectTimeout = r.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT, MIN_TIMEOUT, null);
        this.readTimeout = r.duration("readTimeout", DEFAULT_READ_TIMEOUT, MIN_TIMEOUT, null);
        this.syncTimeout = r.duration("syncTimeout", DEFAULT_SYNC_TIMEOUT, MIN_TIMEOUT, null);
        this.maxValueBytes = r.integer("maxValueBytes", DEFAULT_MAX_VALUE_BYTES, 1, Integer.MAX_VALUE);
        // a hashed item key is '~' and 64 hex digits
        this.maxItemKeyLength = r.integer("maxItemKeyLength", DEFAULT_MAX_ITEM_KEY_LENGTH, 66, Integer.MAX_VALUE);
        r.done();
        this.checks = new Checks(ApolloRepositoryProvider.TYPE, where(), maxValueBytes);
    }

    /** Whether writes are configured (portal address and token). */
    boolean writable() {
        return portalUrl != null;
    }

    /** The namespace as used in log lines and thread names. */
    String logName() {
        return namespace.isEmpty() ? "(root)" : namespace;
    }

    /** Where this repository reads and writes, for messages; never the token. */
    String where() {
        return "app '" + appId + "', cluster '" + cluster + "', Apollo namespace '" + namespaceName + "'";
    }

    @Override
    public String toString() {
        return "ApolloSettings{" + where() + ", env=" + env + ", portalUrl=" + portalUrl + ", operator=" + operator
                + ", namespace=" + logName() + "}";
    }
}
