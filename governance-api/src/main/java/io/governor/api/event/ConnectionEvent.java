package io.governor.api.event;

/**
 * A governed connection being obtained. The same object is passed to the paired start and
 * end/failed calls of {@link GovernanceListener}.
 *
 * <p>Not thread-safe: it belongs to the connection it describes.
 */
public final class ConnectionEvent extends Attachable {

    private final String database;
    private String dataSource;
    private boolean replica;
    private String jdbcUrl;

    /** Created by core; not meant for applications. */
    public ConnectionEvent(String database) {
        this.database = database;
    }

    /** The logical database. */
    public String database() {
        return database;
    }

    /** The physical data source that served the connection, or null before it was chosen. */
    public String dataSource() {
        return dataSource;
    }

    /** Whether the serving data source is a read replica. */
    public boolean replica() {
        return replica;
    }

    /** The JDBC URL of the serving data source, or null. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** What {@link #jdbcUrl()} says of the database system and server ({@link JdbcEndpoint#UNKNOWN} before binding). */
    public JdbcEndpoint endpoint() {
        return JdbcEndpoint.of(jdbcUrl);
    }

    /** Records which data source served the connection; called by core. */
    public void bind(String dataSource, boolean replica, String jdbcUrl) {
        this.dataSource = dataSource;
        this.replica = replica;
        this.jdbcUrl = jdbcUrl;
    }
}
