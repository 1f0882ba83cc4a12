package io.governor.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * Connection settings made on a governed connection before it is bound, replayed on the physical
 * connection at binding. A null field means "not set": the pool's default stays.
 *
 * <p>Not thread-safe: it belongs to one governed connection.
 */
final class PendingSettings {

    Boolean autoCommit;
    Boolean readOnly;
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

    /** Applies what was set, the transaction mode last (after everything that may not change inside one). */
    void replay(Connection c) throws SQLException {
        if (catalogSet) {
            c.setCatalog(catalog);
        }
        if (schemaSet) {
            c.setSchema(schema);
        }
        if (readOnly != null) {
            c.setReadOnly(readOnly);
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
        if (autoCommit != null) {
            c.setAutoCommit(autoCommit);
        }
    }
}
