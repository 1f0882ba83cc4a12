package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;

import java.util.Map;

/**
 * Checks data sources the way an instance does before it builds their pools, short of connecting:
 * the same code that builds the pools (pool class on the class path, every property a setter of it
 * whose type the value converts to, a {@code jdbc:} URL for a pool class that takes one, a URL
 * accepted by the registered driver that claims its subprotocol). So what an admin or a start-up
 * accepts, an instance with the same class path builds. A URL that no driver of this process claims
 * passes: whether it connects shows only where the application runs.
 *
 * <p>Stateless and thread-safe; does not block (beyond class loading) and opens no connection.
 */
public final class DataSourceCheck {

    private DataSourceCheck() {
    }

    /**
     * Checks one data source.
     *
     * @throws io.governor.api.GovernanceException {@code INVALID_CONFIG} naming the database, the data
     *         source and the key (with the closest property name for an unknown one); never a secret value
     */
    public static void check(String database, String dataSource, DataSourceConfig config) {
        PoolFactory.check(database, dataSource, config);
    }

    /** Checks every data source of a database configuration, in name order; fails on the first bad one. */
    public static void checkAll(String database, DatabaseConfig config) {
        for (Map.Entry<String, DataSourceConfig> e : config.dataSources().entrySet()) {
            check(database, e.getKey(), e.getValue());
        }
    }
}
