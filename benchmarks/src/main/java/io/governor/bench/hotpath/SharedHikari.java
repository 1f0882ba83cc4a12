package io.governor.bench.hotpath;

import com.zaxxer.hikari.HikariDataSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HikariCP's own data source, unchanged, except that each instance can be found by its JDBC URL
 * once configured. The paired cross-check names it as a governed data source's pool class and
 * then runs its raw side on the very pool the governed data source wraps, so that both sides share
 * the pool, its connections and the H2 session behind them, and differ only by Governor.
 *
 * <p>Thread-safe as {@link HikariDataSource}; the lookup table is a concurrent map.
 */
public class SharedHikari extends HikariDataSource {

    private static final Map<String, SharedHikari> BY_URL = new ConcurrentHashMap<>();

    @Override
    public void setJdbcUrl(String jdbcUrl) {
        super.setJdbcUrl(jdbcUrl);
        BY_URL.put(jdbcUrl, this);
    }

    /** The pool configured with {@code jdbcUrl}; fails when there is none. */
    static SharedHikari of(String jdbcUrl) {
        SharedHikari pool = BY_URL.get(jdbcUrl);
        if (pool == null) {
            throw new IllegalStateException("no SharedHikari pool was built for " + jdbcUrl);
        }
        return pool;
    }
}
