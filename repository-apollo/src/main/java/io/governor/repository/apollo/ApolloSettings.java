package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.Set;

/**
 * The Apollo repository's settings, read from a {@link RepositoryConfig} and validated once.
 * Immutable. {@link #toString()} never shows the token.
 */
final class ApolloSettings {

    static final String APP_ID = "appId";
    static final String CLUSTER = "cluster";
    static final String NAMESPACE_NAME = "namespaceName";
    static final String ENV = "env";
    static final String PORTAL_URL = "portalUrl";
    static final String TOKEN = "token";
    static final String OPERATOR = "operator";
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String READ_TIMEOUT = "readTimeout";
    static final String SYNC_TIMEOUT = "syncTimeout";
    static final String MAX_VALUE_BYTES = "maxValueBytes";
    static final String MAX_ITEM_KEY_LENGTH = "maxItemKeyLength";

    static final Set<String> KNOWN = Set.of(APP_ID, CLUSTER, NAMESPACE_NAME, ENV, PORTAL_URL, TOKEN, OPERATOR,
            CONNECT_TIMEOUT, READ_TIMEOUT, SYNC_TIMEOUT, MAX_VALUE_BYTES, MAX_ITEM_KEY_LENGTH);

    static final String DEFAULT_CLUSTER = "default";
    static final String DEFAULT_NAMESPACE_NAME = "application";
    static final String DEFAULT_ENV = "DEV";
    static final String DEFAULT_OPERATOR = "apollo";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Below Apollo's default {@code item.value.length.limit} of 20000 characters, leaving room for the
     * version header and, for hashed item keys, the full item key ({@link StoredValue}).
     */
    static final int DEFAULT_MAX_VALUE_BYTES = 16_384;
    /** Apollo's default {@code item.key.length.limit}. */
    static final int DEFAULT_MAX_ITEM_KEY_LENGTH = 128;

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

    ApolloSettings(RepositoryConfig config) {
        config.requireKnownProperties(KNOWN);
        this.namespace = config.namespace();
        this.metaServer = config.serverLists();
        this.appId = required(config, APP_ID);
        this.cluster = config.stringProperty(CLUSTER, DEFAULT_CLUSTER);
        this.namespaceName = config.stringProperty(NAMESPACE_NAME, DEFAULT_NAMESPACE_NAME);
        this.env = config.stringProperty(ENV, DEFAULT_ENV);
        this.portalUrl = config.stringProperty(PORTAL_URL, null);
        this.token = config.stringProperty(TOKEN, null);
        this.operator = config.stringProperty(OPERATOR, DEFAULT_OPERATOR);
        this.connectTimeout = positive(config.durationProperty(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT), CONNECT_TIMEOUT);
        this.readTimeout = positive(config.durationProperty(READ_TIMEOUT, DEFAULT_READ_TIMEOUT), READ_TIMEOUT);
        this.syncTimeout = positive(config.durationProperty(SYNC_TIMEOUT, DEFAULT_SYNC_TIMEOUT), SYNC_TIMEOUT);
        this.maxValueBytes = config.intProperty(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES);
        this.maxItemKeyLength = config.intProperty(MAX_ITEM_KEY_LENGTH, DEFAULT_MAX_ITEM_KEY_LENGTH);
        if (maxItemKeyLength < 66) {
            throw invalid("property '" + MAX_ITEM_KEY_LENGTH + "' must be at least 66 (a hashed item key), got "
                    + maxItemKeyLength);
        }
        if (maxValueBytes <= 0) {
            throw invalid("property '" + MAX_VALUE_BYTES + "' must be positive, got " + maxValueBytes);
        }
        if ((portalUrl == null) != (token == null)) {
            throw invalid("properties '" + PORTAL_URL + "' and '" + TOKEN
                    + "' go together: set both to write, or neither for a read-only repository");
        }
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

    private static String required(RepositoryConfig config, String name) {
        String v = config.stringProperty(name, null);
        if (v == null) {
            throw invalid("property '" + name + "' is required for apollo repository");
        }
        return v;
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw invalid("property '" + name + "' of apollo repository must be positive, got " + d);
        }
        return d;
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, message);
    }

    @Override
    public String toString() {
        return "ApolloSettings{" + where() + ", env=" + env + ", portalUrl=" + portalUrl + ", operator=" + operator
                + ", namespace=" + logName() + "}";
    }
}
