package io.governor.bench.hotpath;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool that does nothing: it hands out one preallocated connection whose statement returns one
 * preallocated row. Under {@link OverheadBenchmark} the raw side then costs a few nanoseconds,
 * so the governed side's extra time is Governor's own cost per connection, undiluted by H2 and
 * HikariCP. Not thread-safe (one benchmark thread). Public with a no-argument constructor and
 * setters, as Governor's pool factory needs.
 */
@SuppressWarnings("all")
public final class NullPool implements DataSource {

    private final NullConnection connection = new NullConnection();

    public void setJdbcUrl(String url) { }
    public void setUsername(String user) { }
    public void setPassword(String password) { }

    @Override public java.sql.Connection getConnection() { return connection; }
    @Override public java.sql.Connection getConnection(String u, String p) { return connection; }
    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) { }
    @Override public void setLoginTimeout(int seconds) { }
    @Override public int getLoginTimeout() { return 0; }
    @Override public Logger getParentLogger() { return null; }
    @Override public <T> T unwrap(Class<T> iface) { return null; }
    @Override public boolean isWrapperFor(Class<?> iface) { return false; }

    static final class NullConnection implements java.sql.Connection {
        final NullStatement statement = new NullStatement();
    @Override public void setReadOnly(boolean p0) throws java.sql.SQLException {  }
    @Override public void close() throws java.sql.SQLException {  }
    @Override public boolean isReadOnly() throws java.sql.SQLException { return false; }
    @Override public void commit() throws java.sql.SQLException {  }
    @Override public boolean isValid(int p0) throws java.sql.SQLException { return true; }
    @Override public void abort(java.util.concurrent.Executor p0) throws java.sql.SQLException {  }
    @Override public void rollback(java.sql.Savepoint p0) throws java.sql.SQLException {  }
    @Override public void rollback() throws java.sql.SQLException {  }
    @Override public java.sql.Statement createStatement(int p0, int p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Statement createStatement() throws java.sql.SQLException { return statement; }
    @Override public java.sql.Statement createStatement(int p0, int p1, int p2) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0, int[] p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0, int p1, int p2) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0, String[] p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0, int p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0, int p1, int p2, int p3) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(String p0, int p1, int p2, int p3) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(String p0, int p1, int p2) throws java.sql.SQLException { return null; }
    @Override public String nativeSQL(String p0) throws java.sql.SQLException { return null; }
    @Override public void setAutoCommit(boolean p0) throws java.sql.SQLException {  }
    @Override public boolean getAutoCommit() throws java.sql.SQLException { return true; }
    @Override public java.sql.DatabaseMetaData getMetaData() throws java.sql.SQLException { return null; }
    @Override public void setCatalog(String p0) throws java.sql.SQLException {  }
    @Override public String getCatalog() throws java.sql.SQLException { return null; }
    @Override public void setTransactionIsolation(int p0) throws java.sql.SQLException {  }
    @Override public int getTransactionIsolation() throws java.sql.SQLException { return 0; }
    @Override public java.sql.SQLWarning getWarnings() throws java.sql.SQLException { return null; }
    @Override public void clearWarnings() throws java.sql.SQLException {  }
    @Override public java.util.Map<String, Class<?>> getTypeMap() throws java.sql.SQLException { return null; }
    @Override public void setTypeMap(java.util.Map<String, Class<?>> p0) throws java.sql.SQLException {  }
    @Override public void setHoldability(int p0) throws java.sql.SQLException {  }
    @Override public int getHoldability() throws java.sql.SQLException { return 0; }
    @Override public java.sql.Savepoint setSavepoint() throws java.sql.SQLException { return null; }
    @Override public java.sql.Savepoint setSavepoint(String p0) throws java.sql.SQLException { return null; }
    @Override public void releaseSavepoint(java.sql.Savepoint p0) throws java.sql.SQLException {  }
    @Override public java.sql.Clob createClob() throws java.sql.SQLException { return null; }
    @Override public java.sql.Blob createBlob() throws java.sql.SQLException { return null; }
    @Override public java.sql.NClob createNClob() throws java.sql.SQLException { return null; }
    @Override public java.sql.SQLXML createSQLXML() throws java.sql.SQLException { return null; }
    @Override public void setClientInfo(java.util.Properties p0) throws java.sql.SQLClientInfoException {  }
    @Override public void setClientInfo(String p0, String p1) throws java.sql.SQLClientInfoException {  }
    @Override public java.util.Properties getClientInfo() throws java.sql.SQLException { return null; }
    @Override public String getClientInfo(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Array createArrayOf(String p0, Object[] p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Struct createStruct(String p0, Object[] p1) throws java.sql.SQLException { return null; }
    @Override public void setSchema(String p0) throws java.sql.SQLException {  }
    @Override public String getSchema() throws java.sql.SQLException { return null; }
    @Override public void setNetworkTimeout(java.util.concurrent.Executor p0, int p1) throws java.sql.SQLException {  }
    @Override public int getNetworkTimeout() throws java.sql.SQLException { return 0; }
    @Override public boolean isClosed() throws java.sql.SQLException { return false; }
    @Override public <T> T unwrap(Class<T> p0) throws java.sql.SQLException { return null; }
    @Override public boolean isWrapperFor(Class<?> p0) throws java.sql.SQLException { return false; }

    }

    static final class NullStatement implements java.sql.Statement {
        final NullResultSet resultSet = new NullResultSet();
    @Override public boolean execute(String p0, String[] p1) throws java.sql.SQLException { return false; }
    @Override public boolean execute(String p0) throws java.sql.SQLException { return false; }
    @Override public boolean execute(String p0, int[] p1) throws java.sql.SQLException { return false; }
    @Override public boolean execute(String p0, int p1) throws java.sql.SQLException { return false; }
    @Override public void close() throws java.sql.SQLException {  }
    @Override public void cancel() throws java.sql.SQLException {  }
    @Override public java.sql.SQLWarning getWarnings() throws java.sql.SQLException { return null; }
    @Override public void clearWarnings() throws java.sql.SQLException {  }
    @Override public java.sql.ResultSet executeQuery(String p0) throws java.sql.SQLException { resultSet.row = false; return resultSet; }
    @Override public int executeUpdate(String p0) throws java.sql.SQLException { return 0; }
    @Override public int executeUpdate(String p0, int p1) throws java.sql.SQLException { return 0; }
    @Override public int executeUpdate(String p0, int[] p1) throws java.sql.SQLException { return 0; }
    @Override public int executeUpdate(String p0, String[] p1) throws java.sql.SQLException { return 0; }
    @Override public int getMaxFieldSize() throws java.sql.SQLException { return 0; }
    @Override public void setMaxFieldSize(int p0) throws java.sql.SQLException {  }
    @Override public int getMaxRows() throws java.sql.SQLException { return 0; }
    @Override public void setMaxRows(int p0) throws java.sql.SQLException {  }
    @Override public void setEscapeProcessing(boolean p0) throws java.sql.SQLException {  }
    @Override public int getQueryTimeout() throws java.sql.SQLException { return 0; }
    @Override public void setQueryTimeout(int p0) throws java.sql.SQLException {  }
    @Override public void setCursorName(String p0) throws java.sql.SQLException {  }
    @Override public java.sql.ResultSet getResultSet() throws java.sql.SQLException { return null; }
    @Override public int getUpdateCount() throws java.sql.SQLException { return 0; }
    @Override public boolean getMoreResults(int p0) throws java.sql.SQLException { return false; }
    @Override public boolean getMoreResults() throws java.sql.SQLException { return false; }
    @Override public void setFetchDirection(int p0) throws java.sql.SQLException {  }
    @Override public int getFetchDirection() throws java.sql.SQLException { return 0; }
    @Override public void setFetchSize(int p0) throws java.sql.SQLException {  }
    @Override public int getFetchSize() throws java.sql.SQLException { return 0; }
    @Override public int getResultSetConcurrency() throws java.sql.SQLException { return 0; }
    @Override public int getResultSetType() throws java.sql.SQLException { return 0; }
    @Override public void addBatch(String p0) throws java.sql.SQLException {  }
    @Override public void clearBatch() throws java.sql.SQLException {  }
    @Override public int[] executeBatch() throws java.sql.SQLException { return null; }
    @Override public java.sql.Connection getConnection() throws java.sql.SQLException { return null; }
    @Override public java.sql.ResultSet getGeneratedKeys() throws java.sql.SQLException { return null; }
    @Override public int getResultSetHoldability() throws java.sql.SQLException { return 0; }
    @Override public void setPoolable(boolean p0) throws java.sql.SQLException {  }
    @Override public boolean isPoolable() throws java.sql.SQLException { return false; }
    @Override public void closeOnCompletion() throws java.sql.SQLException {  }
    @Override public boolean isCloseOnCompletion() throws java.sql.SQLException { return false; }
    @Override public boolean isClosed() throws java.sql.SQLException { return false; }
    @Override public <T> T unwrap(Class<T> p0) throws java.sql.SQLException { return null; }
    @Override public boolean isWrapperFor(Class<?> p0) throws java.sql.SQLException { return false; }

    }

    static final class NullResultSet implements java.sql.ResultSet {
        boolean row;
    @Override public void updateBytes(int p0, byte[] p1) throws java.sql.SQLException {  }
    @Override public void updateBytes(String p0, byte[] p1) throws java.sql.SQLException {  }
    @Override public boolean getBoolean(String p0) throws java.sql.SQLException { return false; }
    @Override public boolean getBoolean(int p0) throws java.sql.SQLException { return false; }
    @Override public byte getByte(String p0) throws java.sql.SQLException { return 0; }
    @Override public byte getByte(int p0) throws java.sql.SQLException { return 0; }
    @Override public short getShort(String p0) throws java.sql.SQLException { return 0; }
    @Override public short getShort(int p0) throws java.sql.SQLException { return 0; }
    @Override public int getInt(int p0) throws java.sql.SQLException { return 1; }
    @Override public int getInt(String p0) throws java.sql.SQLException { return 0; }
    @Override public long getLong(String p0) throws java.sql.SQLException { return 0; }
    @Override public long getLong(int p0) throws java.sql.SQLException { return 0; }
    @Override public float getFloat(String p0) throws java.sql.SQLException { return 0; }
    @Override public float getFloat(int p0) throws java.sql.SQLException { return 0; }
    @Override public double getDouble(int p0) throws java.sql.SQLException { return 0; }
    @Override public double getDouble(String p0) throws java.sql.SQLException { return 0; }
    @Override public byte[] getBytes(String p0) throws java.sql.SQLException { return null; }
    @Override public byte[] getBytes(int p0) throws java.sql.SQLException { return null; }
    @Override public boolean next() throws java.sql.SQLException { row = !row; return row; }
    @Override public boolean last() throws java.sql.SQLException { return false; }
    @Override public boolean first() throws java.sql.SQLException { return false; }
    @Override public void close() throws java.sql.SQLException {  }
    @Override public int getType() throws java.sql.SQLException { return 0; }
    @Override public <T> T getObject(String p0, Class<T> p1) throws java.sql.SQLException { return null; }
    @Override public <T> T getObject(int p0, Class<T> p1) throws java.sql.SQLException { return null; }
    @Override public Object getObject(int p0, java.util.Map<String, Class<?>> p1) throws java.sql.SQLException { return null; }
    @Override public Object getObject(int p0) throws java.sql.SQLException { return null; }
    @Override public Object getObject(String p0) throws java.sql.SQLException { return null; }
    @Override public Object getObject(String p0, java.util.Map<String, Class<?>> p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Ref getRef(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Ref getRef(String p0) throws java.sql.SQLException { return null; }
    @Override public boolean previous() throws java.sql.SQLException { return false; }
    @Override public java.sql.Array getArray(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Array getArray(String p0) throws java.sql.SQLException { return null; }
    @Override public boolean absolute(int p0) throws java.sql.SQLException { return false; }
    @Override public java.sql.Timestamp getTimestamp(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Timestamp getTimestamp(String p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Timestamp getTimestamp(int p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Timestamp getTimestamp(int p0) throws java.sql.SQLException { return null; }
    @Override public String getString(int p0) throws java.sql.SQLException { return null; }
    @Override public String getString(String p0) throws java.sql.SQLException { return null; }
    @Override public java.math.BigDecimal getBigDecimal(String p0) throws java.sql.SQLException { return null; }
    @Override public java.math.BigDecimal getBigDecimal(int p0) throws java.sql.SQLException { return null; }
    @Override public java.math.BigDecimal getBigDecimal(int p0, int p1) throws java.sql.SQLException { return null; }
    @Override public java.math.BigDecimal getBigDecimal(String p0, int p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Time getTime(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Time getTime(int p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Time getTime(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Time getTime(String p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public void updateTime(String p0, java.sql.Time p1) throws java.sql.SQLException {  }
    @Override public void updateTime(int p0, java.sql.Time p1) throws java.sql.SQLException {  }
    @Override public java.sql.Date getDate(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Date getDate(int p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Date getDate(String p0, java.util.Calendar p1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Date getDate(int p0) throws java.sql.SQLException { return null; }
    @Override public java.net.URL getURL(int p0) throws java.sql.SQLException { return null; }
    @Override public java.net.URL getURL(String p0) throws java.sql.SQLException { return null; }
    @Override public boolean relative(int p0) throws java.sql.SQLException { return false; }
    @Override public java.sql.Statement getStatement() throws java.sql.SQLException { return null; }
    @Override public boolean isFirst() throws java.sql.SQLException { return false; }
    @Override public java.sql.ResultSetMetaData getMetaData() throws java.sql.SQLException { return null; }
    @Override public java.sql.SQLWarning getWarnings() throws java.sql.SQLException { return null; }
    @Override public void clearWarnings() throws java.sql.SQLException {  }
    @Override public int getHoldability() throws java.sql.SQLException { return 0; }
    @Override public void setFetchDirection(int p0) throws java.sql.SQLException {  }
    @Override public int getFetchDirection() throws java.sql.SQLException { return 0; }
    @Override public void setFetchSize(int p0) throws java.sql.SQLException {  }
    @Override public int getFetchSize() throws java.sql.SQLException { return 0; }
    @Override public boolean wasNull() throws java.sql.SQLException { return false; }
    @Override public java.sql.Blob getBlob(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Blob getBlob(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Clob getClob(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Clob getClob(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.RowId getRowId(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.RowId getRowId(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.NClob getNClob(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.NClob getNClob(int p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.SQLXML getSQLXML(String p0) throws java.sql.SQLException { return null; }
    @Override public java.sql.SQLXML getSQLXML(int p0) throws java.sql.SQLException { return null; }
    @Override public String getNString(String p0) throws java.sql.SQLException { return null; }
    @Override public String getNString(int p0) throws java.sql.SQLException { return null; }
    @Override public java.io.Reader getNCharacterStream(int p0) throws java.sql.SQLException { return null; }
    @Override public java.io.Reader getNCharacterStream(String p0) throws java.sql.SQLException { return null; }
    @Override public java.io.Reader getCharacterStream(String p0) throws java.sql.SQLException { return null; }
    @Override public java.io.Reader getCharacterStream(int p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getAsciiStream(int p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getAsciiStream(String p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getBinaryStream(String p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getBinaryStream(int p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getUnicodeStream(String p0) throws java.sql.SQLException { return null; }
    @Override public java.io.InputStream getUnicodeStream(int p0) throws java.sql.SQLException { return null; }
    @Override public String getCursorName() throws java.sql.SQLException { return null; }
    @Override public int findColumn(String p0) throws java.sql.SQLException { return 0; }
    @Override public boolean isBeforeFirst() throws java.sql.SQLException { return false; }
    @Override public boolean isAfterLast() throws java.sql.SQLException { return false; }
    @Override public boolean isLast() throws java.sql.SQLException { return false; }
    @Override public void beforeFirst() throws java.sql.SQLException {  }
    @Override public void afterLast() throws java.sql.SQLException {  }
    @Override public int getRow() throws java.sql.SQLException { return 0; }
    @Override public int getConcurrency() throws java.sql.SQLException { return 0; }
    @Override public boolean rowUpdated() throws java.sql.SQLException { return false; }
    @Override public boolean rowInserted() throws java.sql.SQLException { return false; }
    @Override public boolean rowDeleted() throws java.sql.SQLException { return false; }
    @Override public void updateNull(String p0) throws java.sql.SQLException {  }
    @Override public void updateNull(int p0) throws java.sql.SQLException {  }
    @Override public void updateBoolean(int p0, boolean p1) throws java.sql.SQLException {  }
    @Override public void updateBoolean(String p0, boolean p1) throws java.sql.SQLException {  }
    @Override public void updateByte(int p0, byte p1) throws java.sql.SQLException {  }
    @Override public void updateByte(String p0, byte p1) throws java.sql.SQLException {  }
    @Override public void updateShort(String p0, short p1) throws java.sql.SQLException {  }
    @Override public void updateShort(int p0, short p1) throws java.sql.SQLException {  }
    @Override public void updateInt(int p0, int p1) throws java.sql.SQLException {  }
    @Override public void updateInt(String p0, int p1) throws java.sql.SQLException {  }
    @Override public void updateLong(int p0, long p1) throws java.sql.SQLException {  }
    @Override public void updateLong(String p0, long p1) throws java.sql.SQLException {  }
    @Override public void updateFloat(int p0, float p1) throws java.sql.SQLException {  }
    @Override public void updateFloat(String p0, float p1) throws java.sql.SQLException {  }
    @Override public void updateDouble(int p0, double p1) throws java.sql.SQLException {  }
    @Override public void updateDouble(String p0, double p1) throws java.sql.SQLException {  }
    @Override public void updateBigDecimal(int p0, java.math.BigDecimal p1) throws java.sql.SQLException {  }
    @Override public void updateBigDecimal(String p0, java.math.BigDecimal p1) throws java.sql.SQLException {  }
    @Override public void updateString(int p0, String p1) throws java.sql.SQLException {  }
    @Override public void updateString(String p0, String p1) throws java.sql.SQLException {  }
    @Override public void updateDate(int p0, java.sql.Date p1) throws java.sql.SQLException {  }
    @Override public void updateDate(String p0, java.sql.Date p1) throws java.sql.SQLException {  }
    @Override public void updateTimestamp(String p0, java.sql.Timestamp p1) throws java.sql.SQLException {  }
    @Override public void updateTimestamp(int p0, java.sql.Timestamp p1) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(String p0, java.io.InputStream p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(int p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(int p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(String p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(String p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateAsciiStream(int p0, java.io.InputStream p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(int p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(String p0, java.io.InputStream p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(String p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(int p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(int p0, java.io.InputStream p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateBinaryStream(String p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(int p0, java.io.Reader p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(String p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(String p0, java.io.Reader p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(String p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(int p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateCharacterStream(int p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateObject(String p0, Object p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateObject(int p0, Object p1) throws java.sql.SQLException {  }
    @Override public void updateObject(int p0, Object p1, int p2) throws java.sql.SQLException {  }
    @Override public void updateObject(String p0, Object p1) throws java.sql.SQLException {  }
    @Override public void insertRow() throws java.sql.SQLException {  }
    @Override public void updateRow() throws java.sql.SQLException {  }
    @Override public void deleteRow() throws java.sql.SQLException {  }
    @Override public void refreshRow() throws java.sql.SQLException {  }
    @Override public void cancelRowUpdates() throws java.sql.SQLException {  }
    @Override public void moveToInsertRow() throws java.sql.SQLException {  }
    @Override public void moveToCurrentRow() throws java.sql.SQLException {  }
    @Override public void updateRef(int p0, java.sql.Ref p1) throws java.sql.SQLException {  }
    @Override public void updateRef(String p0, java.sql.Ref p1) throws java.sql.SQLException {  }
    @Override public void updateBlob(int p0, java.sql.Blob p1) throws java.sql.SQLException {  }
    @Override public void updateBlob(String p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateBlob(int p0, java.io.InputStream p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateBlob(String p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateBlob(int p0, java.io.InputStream p1) throws java.sql.SQLException {  }
    @Override public void updateBlob(String p0, java.sql.Blob p1) throws java.sql.SQLException {  }
    @Override public void updateClob(String p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateClob(int p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateClob(String p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateClob(int p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateClob(int p0, java.sql.Clob p1) throws java.sql.SQLException {  }
    @Override public void updateClob(String p0, java.sql.Clob p1) throws java.sql.SQLException {  }
    @Override public void updateArray(int p0, java.sql.Array p1) throws java.sql.SQLException {  }
    @Override public void updateArray(String p0, java.sql.Array p1) throws java.sql.SQLException {  }
    @Override public void updateRowId(String p0, java.sql.RowId p1) throws java.sql.SQLException {  }
    @Override public void updateRowId(int p0, java.sql.RowId p1) throws java.sql.SQLException {  }
    @Override public void updateNString(String p0, String p1) throws java.sql.SQLException {  }
    @Override public void updateNString(int p0, String p1) throws java.sql.SQLException {  }
    @Override public void updateNClob(String p0, java.sql.NClob p1) throws java.sql.SQLException {  }
    @Override public void updateNClob(int p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateNClob(int p0, java.sql.NClob p1) throws java.sql.SQLException {  }
    @Override public void updateNClob(String p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateNClob(String p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateNClob(int p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateSQLXML(int p0, java.sql.SQLXML p1) throws java.sql.SQLException {  }
    @Override public void updateSQLXML(String p0, java.sql.SQLXML p1) throws java.sql.SQLException {  }
    @Override public void updateNCharacterStream(int p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateNCharacterStream(String p0, java.io.Reader p1) throws java.sql.SQLException {  }
    @Override public void updateNCharacterStream(String p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public void updateNCharacterStream(int p0, java.io.Reader p1, long p2) throws java.sql.SQLException {  }
    @Override public boolean isClosed() throws java.sql.SQLException { return false; }
    @Override public <T> T unwrap(Class<T> p0) throws java.sql.SQLException { return null; }
    @Override public boolean isWrapperFor(Class<?> p0) throws java.sql.SQLException { return false; }

    }
}
