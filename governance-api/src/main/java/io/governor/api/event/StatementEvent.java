package io.governor.api.event;

import java.util.List;

/**
 * One statement execution on a governed connection. The same object is passed to the paired
 * start and end/failed calls of {@link GovernanceListener}.
 *
 * <p>Not thread-safe: it belongs to the statement it describes.
 */
public final class StatementEvent extends Attachable {

    private final String database;
    private final String dataSource;
    private final boolean replica;
    private final String jdbcUrl;
    private final String sql;
    private final List<Object> parameters;
    private JdbcEndpoint endpoint;
    private boolean operationRead;
    private String operation;

    /** Created by core; not meant for applications. */
    public StatementEvent(String database, String dataSource, boolean replica, String jdbcUrl, String sql,
                          List<Object> parameters) {
        this.database = database;
        this.dataSource = dataSource;
        this.replica = replica;
        this.jdbcUrl = jdbcUrl;
        this.sql = sql;
        this.parameters = parameters == null ? List.of() : parameters;
    }

    /** The logical database. */
    public String database() {
        return database;
    }

    /** The physical data source that runs the statement. */
    public String dataSource() {
        return dataSource;
    }

    /** Whether {@link #dataSource()} is a read replica. */
    public boolean replica() {
        return replica;
    }

    /** The JDBC URL of the physical data source, or null. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** What {@link #jdbcUrl()} says of the database system and server; read once per URL. */
    public JdbcEndpoint endpoint() {
        if (endpoint == null) {
            endpoint = JdbcEndpoint.of(jdbcUrl);
        }
        return endpoint;
    }

    /**
     * The statement's leading keyword in upper case ({@code SELECT}, {@code CALL} for the JDBC escape
     * {@code {call ...}}), {@code BATCH} for a batch of plain statements, or null when it is none of the
     * keywords {@link SqlText#operation} knows; read once per event.
     */
    public String operation() {
        if (!operationRead) {
            operation = SqlText.operation(sql);
            operationRead = true;
        }
        return operation;
    }

    /** The operation and the database ({@code SELECT orders}), or the database alone when the operation is unknown. */
    public String summary() {
        String op = operation();
        return op == null ? database : op + " " + database;
    }

    /** The SQL text, or null for a batch of plain statements. */
    public String sql() {
        return sql;
    }

    /**
     * The bind parameters of a prepared statement, by index from 0; empty for plain statements.
     * May hold personal data: a listener should record them only when told to.
     */
    public List<Object> parameters() {
        return parameters;
    }
}
