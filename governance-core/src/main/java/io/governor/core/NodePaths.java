package io.governor.core;

import io.governor.api.repository.Paths;

/**
 * The node layout inside a namespace (DESIGN §4), in one place. Config nodes live in the config
 * center; status, control and locks in the registry center.
 *
 * <pre>
 * /config/databases/{db}/datasources/{ds}      one YAML document per data source
 * /config/databases/{db}/rules                 YAML list of tagged rules
 * /config/databases/{db}/rollout               YAML: the open rollout of the database, if any
 * /config/props                                YAML map
 * /history/databases/{db}/{entry}              one kept revision of a database: content, author, outcome
 * /history/props/{entry}                       one kept revision of the props
 * /history/lastgood/{db}                       YAML: the database's last good revision and its content
 * /status/instances/{instanceId}               EPHEMERAL status document
 * /control/instances/{instanceId}              CIRCUIT_BREAKER | ONLINE
 * /control/databases/{db}/datasources/{ds}     DISABLED | ENABLED
 * /locks/{name}/...                            lock nodes (owned by the registry repository)
 * </pre>
 */
final class NodePaths {

    static final String CONFIG = "/config";
    static final String DATABASES = "/config/databases";
    static final String PROPS = "/config/props";
    static final String STATUS_INSTANCES = "/status/instances";
    static final String CONTROL = "/control";
    static final String CONTROL_INSTANCES = "/control/instances";
    static final String CONTROL_DATABASES = "/control/databases";
    /** Kept revisions and last good revisions, in the config center, outside the watched {@link #CONFIG}. */
    static final String HISTORY = "/history";
    static final String HISTORY_DATABASES = "/history/databases";
    static final String HISTORY_PROPS = "/history/props";
    static final String LAST_GOOD = "/history/lastgood";

    private NodePaths() {
    }

    static String database(String db) {
        return Paths.join(DATABASES, db);
    }

    static String dataSources(String db) {
        return Paths.join(DATABASES, db, "datasources");
    }

    static String dataSource(String db, String ds) {
        return Paths.join(DATABASES, db, "datasources", ds);
    }

    static String rules(String db) {
        return Paths.join(DATABASES, db, "rules");
    }

    /** The open rollout of a database (under the database, so instances' watch routes it there). */
    static String rollout(String db) {
        return Paths.join(DATABASES, db, "rollout");
    }

    static String databaseHistory(String db) {
        return Paths.join(HISTORY_DATABASES, db);
    }

    static String lastGood(String db) {
        return Paths.join(LAST_GOOD, db);
    }

    static String instanceStatus(String instanceId) {
        return Paths.join(STATUS_INSTANCES, instanceId);
    }

    static String instanceControl(String instanceId) {
        return Paths.join(CONTROL_INSTANCES, instanceId);
    }

    static String dataSourceControls(String db) {
        return Paths.join(CONTROL_DATABASES, db, "datasources");
    }

    static String dataSourceControl(String db, String ds) {
        return Paths.join(CONTROL_DATABASES, db, "datasources", ds);
    }

    /** The database a config key belongs to, or null for keys outside {@code /config/databases/{db}}. */
    static String databaseOf(String configKey) {
        if (!configKey.startsWith(DATABASES + "/")) {
            return null;
        }
        String rest = configKey.substring(DATABASES.length() + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
