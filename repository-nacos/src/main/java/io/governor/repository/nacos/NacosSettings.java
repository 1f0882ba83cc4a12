package io.governor.repository.nacos;

import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.support.Checks;

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
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
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
    /** The checks and error wording of the repository these settings open. */
    final Checks checks;

    NacosSettings(RepositoryConfig config) {
        config.requireKnownProperties(KNOWN);
        this.namespace = config.namespace();
        this.serverAddr = config.requireServerLists("127.0.0.1:8848");
        this.tenant = config.stringProperty(TENANT, "");
        this.group = config.stringProperty(GROUP, DEFAULT_GROUP);
        if (!DataIds.isValidNacosName(group)) {
            throw config.invalidProperty(GROUP, "property '" + GROUP + "' of nacos repository must use letters, digits "
                    + "and -_.: only, got '" + group + "'");
        }
        config.requireTogether(USERNAME, PASSWORD, null);
        this.username = config.stringProperty(USERNAME, null);
        this.password = config.property(PASSWORD);
        this.requestTimeout = config.durationProperty(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, MIN_TIMEOUT, null);
        this.connectTimeout = config.durationProperty(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, MIN_TIMEOUT, null);
        this.watchResync = config.durationProperty(WATCH_RESYNC, DEFAULT_WATCH_RESYNC, MIN_TIMEOUT, null);
        this.maxValueBytes = config.intProperty(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES, 1, MAX_VALUE_BYTES_LIMIT);
        this.checks = new Checks(NacosRepositoryProvider.TYPE, where(), maxValueBytes);
    }

    /** The namespace as used in log lines and thread names. */
    String logName() {
        return namespace.isEmpty() ? "(root)" : namespace;
    }

    /** Where this repository reads and writes, for messages; never a credential. */
    String where() {
        return "servers '" + serverAddr + "', tenant '" + tenant + "', group '" + group + "'";
    }

    @Override
    public String toString() {
        return "NacosSettings{" + where() + ", user=" + (username == null ? "-" : username) + ", namespace="
                + logName() + "}";
    }
}
