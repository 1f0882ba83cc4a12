package io.governor.repository.nacos;

import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.support.Checks;

import java.time.Duration;

/**
 * The Nacos repository's settings, read from a {@link RepositoryConfig} and validated once.
 * Immutable. Holds the password: {@link #toString()} and {@link #where()} never show it.
 */
final class NacosSettings {

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
        RepositoryConfig.Reader r = config.reader();
        this.namespace = config.namespace();
        this.serverAddr = config.serverLists();
        this.tenant = r.string("tenant", "");
        this.group = r.string("group", DEFAULT_GROUP);
        r.together("username", "password", null);
        this.username = r.string("username", null);
        this.password = r.secret("password");
        this.requestTimeout = r.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT, MIN_TIMEOUT, null);
        this.connectTimeout = r.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT, MIN_TIMEOUT, null);
        this.watchResync = r.duration("watchResync", DEFAULT_WATCH_RESYNC, MIN_TIMEOUT, null);
        this.maxValueBytes = r.integer("maxValueBytes", DEFAULT_MAX_VALUE_BYTES, 1, MAX_VALUE_BYTES_LIMIT);
        r.done();
        config.requireServerLists("127.0.0.1:8848");
        if (!DataIds.isValidNacosName(group)) {
            throw config.invalidProperty("group", "property 'group' of nacos repository must use letters, digits "
                    + "and -_.: only, got '" + group + "'");
        }
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
