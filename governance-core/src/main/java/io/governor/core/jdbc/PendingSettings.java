package io.governor.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * Connection settings made on a governed connection before it is bound (but read-only and
 * auto-commit, which the connection keeps itself), replayed on the physical
 * connection at binding. A null field means "not set": the pool's default stays.
 *
 * <p>Not thread-safe: it belongs to one governed connection.
 */
final class PendingSettings {

    Integer transactionIsolation;
    Integer holdability;
    boolean catalogSet;
    String catalog;
    boolean schemaSet;
    String schema;
    Properties clientInfo;
    Executor networkExecutor;
    Integer networkTimeout;
    Map<String, Class<?>> typeMap;

    void clientInfo(String name, String value) {
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    /** Applies what was set. The read-only flag and the transaction mode are not here: see {@link LazyConnection}. */
    void replay(Connection c) throws SQLException {
        if (catalogSet) {
            c.setCatalog(catalog);
        }
        if (schemaSet) {
            c.setSchema(schema);
        }
        if (transactionIsolation != null) {
            c.setTransactionIsolation(transactionIsolation);
        }
        if (holdability != null) {
            c.setHoldability(holdability);
        }
        if (clientInfo != null) {
            c.setClientInfo(clientInfo);
        }
        if (networkTimeout != null) {
            c.setNetworkTimeout(networkExecutor, networkTimeout);
        }
        if (typeMap != null) {
            c.setTypeMap(typeMap);
        }
    }
}
