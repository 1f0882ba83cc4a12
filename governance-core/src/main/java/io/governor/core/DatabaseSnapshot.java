package io.governor.core;

import io.governor.api.config.DatabaseConfig;

import java.util.Map;

/**
 * A database's configuration as read from the config center, with the raw node texts it came from
 * (used as the expected values of compare-and-set writes).
 *
 * @param database       the database name
 * @param config         the decoded, validated configuration
 * @param rawDataSources data source name to the node's text
 * @param rawRules       the rules node's text, or null if the node is absent
 */
record DatabaseSnapshot(String database, DatabaseConfig config, Map<String, String> rawDataSources, String rawRules) {

    /** Whether the center holds anything for this database. */
    boolean exists() {
        return rawRules != null || !rawDataSources.isEmpty();
    }
}
