package io.governor.core.jdbc;

import org.h2.jdbcx.JdbcDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A pool class with setters of every supported type, backed by H2's plain data source. */
public final class TypedPool extends TestPoolBase {

    private final JdbcDataSource h2 = new JdbcDataSource();
    Duration idle;
    TimeUnit unit;
    double ratio;
    Integer boxedInt;
    Long boxedLong;
    Boolean boxedBoolean;
    short small;
    float fraction;
    char[] password;
    int tokenCount;

    public void setUrl(String url) {
        h2.setURL(url);
    }

    public void setUser(String user) {
        h2.setUser(user);
    }

    public void setPassword(char[] password) {
        this.password = password;
        h2.setPassword(new String(password));
    }

    public void setIdle(Duration idle) {
        this.idle = idle;
    }

    public void setUnit(TimeUnit unit) {
        this.unit = unit;
    }

    public void setRatio(double ratio) {
        this.ratio = ratio;
    }

    public void setBoxedInt(Integer boxedInt) {
        this.boxedInt = boxedInt;
    }

    public void setBoxedLong(Long boxedLong) {
        this.boxedLong = boxedLong;
    }

    public void setBoxedBoolean(Boolean boxedBoolean) {
        this.boxedBoolean = boxedBoolean;
    }

    public void setSmall(short small) {
        this.small = small;
    }

    public void setFraction(float fraction) {
        this.fraction = fraction;
    }

    public void setTokenCount(int tokenCount) {
        this.tokenCount = tokenCount;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return h2.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return h2.getConnection(username, password);
    }
}
