package io.governor.repository.nacos;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.Set;

/**
 * The Nacos repository's settings, read from a {@link RepositoryConfig} and validated once.
 * Immutable. Holds the password: {@link #toString()} and {@link #where()} never show it.
 */
final class NacosSettings {

    static final String TENANT = "tenant";
    static final String GROUP = "group";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String REQUEST_TIMEOUT = "requestTimeout";
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String MAX_VALUE_BYTES = "maxValueBytes";
    static final String WATCH_RESYNC = "watchResync";

    static final Set<String> KNOWN = Set.of(TENANT, GROUP, USERNAME, PASSWORD, REQUEST_TIMEOUT, CONNECT_TIMEOUT,
            MAX_VALUE_BYTES, WATCH_RESYNC);

    static final String DEFAULT_GROUP = "DEFAULT_GROUP";
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_WATCH_RESYNC = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /**
     * The largest {@code maxValueBytes} allowed: the gRPC message limit less room for the request's
     * other fields, the version header and the dataId. (A value whose JSON escapes make the request
     * larger is still refused, by {@link NacosClient#publishCas}.)
     */
    static final int MAX_VALUE_BYTES_LIMIT = (int) (NacosClient.MAX_REQUEST_BYTES - NacosClient.REQUEST_OVERHEAD_BYTES - 1024);

    final String namespace;
    final String serverAddr;
    final String tenant;
    final String group;
    final String username;
    final String password;
    final Duration requestTimeout;
    final Duration connectTimeout;
    final int maxValueBytes;
    final Duration watchResync;

    NacosSettings(RepositoryConfig config) {
        config.requireKnownProperties(KNOWN);
        this.namespace = config.namespace();
        this.serverAddr = config.serverLists();
        if (serverAddr.isEmpty()) {
            throw invalid("serverLists of nacos repository must name at least one server (host:port)");
        }
        this.tenant = config.stringProperty(TENANT, "");
        this.group = config.stringProperty(GROUP, DEFAULT_GROUP);
        if (!DataIds.isValidNacosName(group)) {
            throw invalid("property '" + GROUP + "' of nacos repository must use letters, digits and -_.: only, got '"
                    + group + "'");
        }
        this.username = config.stringProperty(USERNAME, null);
        this.password = config.property(PASSWORD);
        if ((username == null) != (password == null)) {
            throw invalid("properties '" + USERNAME + "' and '" + PASSWORD + "' of nacos repository go together");
        }
        this.requestTimeout = positive(config.durationProperty(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT), REQUEST_TIMEOUT);
        this.connectTimeout = positive(config.durationProperty(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT), CONNECT_TIMEOUT);
        this.watchResync = positive(config.durationProperty(WATCH_RESYNC, DEFAULT_WATCH_RESYNC), WATCH_RESYNC);
        this.maxValueBytes = config.intProperty(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES);
        if (maxValueBytes <= 0 || maxValueBytes > MAX_VALUE_BYTES_LIMIT) {
            throw invalid("property '" + MAX_VALUE_BYTES + "' of nacos repository must be between 1 and "
                    + MAX_VALUE_BYTES_LIMIT + " (the gRPC message limit less overhead), got " + maxValueBytes);
        }
    }

    /** The namespace as used in log lines and thread names. */
    String logName() {
        return namespace.isEmpty() ? "(root)" : namespace;
    }

    /** Where this repository reads and writes, for messages; never a credential. */
    String where() {
        return "servers '" + serverAddr + "', tenant '" + tenant + "', group '" + group + "'";
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw invalid("property '" + name + "' of nacos repository must be positive, got " + d);
        }
        return d;
    }

    private static GovernanceException invalid(String message) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, message);
    }

    @Override
    public String toString() {
        return "NacosSettings{" + where() + ", user=" + (username == null ? "-" : username) + ", namespace="
                + logName() + "}";
    }
}
