package io.governor.api.config;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One physical data source: the pool class to instantiate and the properties to set on it by
 * reflection ({@code jdbcUrl}, {@code username}, {@code password}, {@code maximumPoolSize}, ...).
 *
 * <p>Property values are kept as text, exactly as YAML scalars; they are converted to the setter's
 * parameter type when the pool is built, and an unknown property is then an error naming it and the
 * class. Two configs are equal when class and every property are equal: an unchanged data source
 * is never rebuilt.
 *
 * <p>Immutable and thread-safe. {@link #toString()} masks secret properties.
 *
 * @param poolClassName the pool class, with a public no-argument constructor and setters
 * @param properties    property name to text value, sorted by name
 */
public record DataSourceConfig(String poolClassName, Map<String, String> properties) {

    /** The pool class used when none is given: HikariCP. */
    public static final String DEFAULT_POOL_CLASS = "com.zaxxer.hikari.HikariDataSource";

    /**
     * @throws GovernanceException {@code INVALID_CONFIG} for a blank class name, or a blank or null property
     */
    public DataSourceConfig {
        poolClassName = poolClassName == null || poolClassName.isBlank() ? DEFAULT_POOL_CLASS : poolClassName.trim();
        Objects.requireNonNull(properties, "properties");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG, "data source property name must not be blank");
            }
            if (e.getValue() == null) {
                throw new GovernanceException(ErrorCode.INVALID_CONFIG,
                        "data source property '" + e.getKey() + "' has no value");
            }
            copy.put(e.getKey(), e.getValue());
        }
        properties = Collections.unmodifiableMap(copy);
    }

    /** A HikariCP data source with {@code jdbcUrl}, {@code username} and {@code password}. */
    public static DataSourceConfig of(String jdbcUrl, String username, String password) {
        Map<String, String> p = new TreeMap<>();
        p.put("jdbcUrl", jdbcUrl);
        p.put("username", username);
        if (password != null) {
            p.put("password", password);
        }
        return new DataSourceConfig(DEFAULT_POOL_CLASS, p);
    }

    /** A copy with one property set. */
    public DataSourceConfig with(String property, String value) {
        Map<String, String> p = new TreeMap<>(properties);
        p.put(property, value);
        return new DataSourceConfig(poolClassName, p);
    }

    /** The JDBC URL ({@code jdbcUrl}, {@code url} or {@code URL}), or null. Never holds a password by convention. */
    public String jdbcUrl() {
        String u = properties.get("jdbcUrl");
        if (u == null) {
            u = properties.get("url");
        }
        return u == null ? properties.get("URL") : u;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DataSourceConfig{").append(poolClassName).append(", {");
        String sep = "";
        for (Map.Entry<String, String> e : properties.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=')
                    .append(RepositoryConfig.isSecret(e.getKey()) ? "******" : e.getValue());
            sep = ", ";
        }
        return sb.append("}}").toString();
    }
}
