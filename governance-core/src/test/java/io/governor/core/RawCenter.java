package io.governor.core;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.RuleConfig;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A center as core lays it out, for tests and benchmarks that write or read its nodes without
 * Governor: the node paths, the documents core writes, and repositories opened the way core opens
 * them. Test code in core's package, so that core's layout and codec stay package-private; shipped
 * in the test jar with the scenarios (which every repository module runs) for them and for
 * {@code benchmarks/}.
 *
 * <p>Stateless and thread-safe. The {@code connect*} methods block until connected or the timeout
 * passes and throw {@code GovernanceException} as core's own connect does.
 */
public final class RawCenter {

    /** The parent of every database's configuration. */
    public static final String DATABASES = NodePaths.DATABASES;
    /** The props node. */
    public static final String PROPS = NodePaths.PROPS;
    /** The parent of every instance's status node. */
    public static final String STATUS_INSTANCES = NodePaths.STATUS_INSTANCES;

    private static final YamlCodec CODEC = new YamlCodec(RuleCodecs.load());

    private RawCenter() {
    }

    /** A database's configuration node. */
    public static String database(String db) {
        return NodePaths.database(db);
    }

    /** The parent of a database's data source nodes. */
    public static String dataSources(String db) {
        return NodePaths.dataSources(db);
    }

    /** A data source's node. */
    public static String dataSource(String db, String ds) {
        return NodePaths.dataSource(db, ds);
    }

    /** A database's rules node. */
    public static String rules(String db) {
        return NodePaths.rules(db);
    }

    /** The control node that disables a data source for every instance. */
    public static String dataSourceControl(String db, String ds) {
        return NodePaths.dataSourceControl(db, ds);
    }

    /** An instance's status node. */
    public static String instanceStatus(String instanceId) {
        return NodePaths.instanceStatus(instanceId);
    }

    /** A database's last good revision node. */
    public static String rollout(String db) {
        return NodePaths.rollout(db);
    }

    public static String lastGood(String db) {
        return NodePaths.lastGood(db);
    }

    /** The revision a last good revision node's document names. */
    public static String lastGoodRevision(String document) {
        return String.valueOf(CODEC.readPlainMap(document, "last good node").get("revision"));
    }

    /** A data source node's document, as the admin writes it. */
    public static String dataSourceYaml(DataSourceConfig config) {
        return CODEC.writeDataSource(config);
    }

    /** A rules node's document, as the admin writes it. */
    public static String rulesYaml(List<RuleConfig> rules) {
        return CODEC.writeRules(rules);
    }

    /** A status document (a map of text, nulls and such maps), as an instance writes it. */
    public static String statusYaml(Map<String, ?> document) {
        return CODEC.writePlainMap(document);
    }

    /** A repository of the configured type, created by its provider and not yet waited on. */
    public static Repository create(RepositoryConfig config) {
        return Repositories.provider(config.type()).create(config);
    }

    /** A repository that can serve as a configuration center, connected as core connects it. */
    public static Repository connectConfigCenter(RepositoryConfig config, String role, Duration timeout) {
        return Repositories.connect(config, role, timeout);
    }

    /** A repository that can serve as a registry center, connected as core connects it ({@code role} is always the registry center). */
    public static RegistryRepository connectRegistryCenter(RepositoryConfig config, String role, Duration timeout) {
        return Repositories.connectRegistry(config, timeout);
    }
}
