package io.governor.core.jdbc;

import io.governor.api.DidYouMean;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.repository.RepositoryConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds a physical pool from a {@link DataSourceConfig} by reflection: the pool class's public
 * no-argument constructor, then one public setter {@code setXxx} per property, the text value
 * converted to the setter's parameter type.
 *
 * <p>Supported parameter types: {@code String}, {@code char[]}, {@code int}/{@code Integer},
 * {@code long}/{@code Long}, {@code short}/{@code Short}, {@code boolean}/{@code Boolean} (only
 * {@code true}/{@code false}), {@code double}/{@code Double}, {@code float}/{@code Float},
 * {@link Duration} (as {@code 500ms}, {@code 10s}, ...) and enums (by constant name, case-insensitive).
 * Numbers are plain decimal: a {@code long} setter such as HikariCP's {@code connectionTimeout}
 * takes milliseconds as the class defines them.
 *
 * <p>Every failure is a {@link GovernanceException} {@code INVALID_CONFIG} naming the data source,
 * the property and the class; a secret property's value never appears in a message.
 *
 * <p>Stateless and thread-safe; it does not connect to anything (pools such as HikariCP's start
 * lazily), so building is fast. The caller owns and must close the returned pool.
 */
final class PoolFactory {

    private static final Logger LOG = LoggerFactory.getLogger(PoolFactory.class);

    private PoolFactory() {
    }

    /** {@link #build(String, DataSourceConfig, String, ScheduledExecutorService)} with no shared housekeeping. */
    static DataSource build(String name, DataSourceConfig config, String defaultPoolName) {
        return build(null, name, config, defaultPoolName, null);
    }

    /**
     * Instantiates and configures the pool of a data source, after the checks of {@link #check}.
     *
     * @param database        the database, named in messages (null: none)
     * @param defaultPoolName set as {@code poolName} when the class has such a property and the
     *                        configuration does not give one (names HikariCP's threads)
     * @param housekeeping    given to a pool class with a public {@code setScheduledExecutor(
     *                        ScheduledExecutorService)} (HikariCP), so the pools of one database share
     *                        one housekeeping thread instead of starting one each; the caller keeps
     *                        it running while the pools live. Null: the pool makes its own.
     */
    static DataSource build(String database, String dataSource, DataSourceConfig config, String defaultPoolName,
                            ScheduledExecutorService housekeeping) {
        String name = subject(database, dataSource);
        Class<?> type = check(name, config);
        Object pool = instantiate(name, type);
        try {
            for (Map.Entry<String, String> e : config.properties().entrySet()) {
                set(name, pool, e.getKey(), e.getValue());
            }
            if (!config.properties().containsKey("poolName") && setter(type, "poolName") != null) {
                set(name, pool, "poolName", defaultPoolName);
            }
            if (housekeeping != null) {
                shareHousekeeping(name, pool, housekeeping);
            }
        } catch (RuntimeException e) {
            close(pool);
            throw e;
        }
        return (DataSource) pool;
    }

    /**
     * What {@link #build} checks before it instantiates anything, and all an admin can check short of
     * connecting: the pool class is on the class path and a {@code javax.sql.DataSource}; every
     * property has a public setter on it and its value converts to the setter's type; a pool class
     * with a URL setter is given a URL ({@code jdbcUrl}, {@code url} or {@code URL}), unless
     * HikariCP's {@code dataSourceClassName} property names a DataSource class to configure instead;
     * a URL is a {@code jdbc:} URL, and a driver registered with {@link DriverManager} that claims
     * its subprotocol accepts it. A URL no registered driver claims passes (the application may
     * carry drivers this process lacks). Invokes no setter and opens no connection.
     *
     * @param database the database, named in messages (null: none)
     * @return the pool class
     * @throws GovernanceException {@code INVALID_CONFIG} naming the data source, the key and the class
     */
    static Class<?> check(String database, String dataSource, DataSourceConfig config) {
        return check(subject(database, dataSource), config);
    }

    private static String subject(String database, String dataSource) {
        return "data source '" + dataSource + "'" + (database == null ? "" : " of database '" + database + "'");
    }

    private static Class<?> check(String name, DataSourceConfig config) {
        Class<?> type = poolClass(name, config.poolClassName());
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            convert(name, e.getKey(), e.getValue(), requireSetter(name, type, e.getKey()).getParameterTypes()[0], type);
        }
        checkUrl(name, config, type);
        return type;
    }

    private static Class<?> poolClass(String name, String className) {
        Class<?> type;
        try {
            ClassLoader tccl = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, false, tccl != null ? tccl : PoolFactory.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw invalid(name, "pool class " + className + " is not on the classpath", e);
        }
        if (!DataSource.class.isAssignableFrom(type)) {
            throw invalid(name, "pool class " + className + " is not a javax.sql.DataSource");
        }
        return type;
    }

    private static void checkUrl(String name, DataSourceConfig config, Class<?> type) {
        String url = config.jdbcUrl();
        if (url == null || url.isBlank()) {
            boolean takesUrl = setter(type, "jdbcUrl") != null || setter(type, "url") != null || setter(type, "URL") != null;
            if (!takesUrl || config.properties().containsKey("dataSourceClassName")) {
                return; // a pool class configured otherwise (server and database names), or HikariCP given a DataSource class
            }
            throw invalid(name, "key '" + (setter(type, "jdbcUrl") != null ? "jdbcUrl" : "url") + "': missing; pool class "
                    + type.getName() + " needs a JDBC URL");
        }
        String key = config.properties().containsKey("jdbcUrl") ? "jdbcUrl" : config.properties().containsKey("url") ? "url" : "URL";
        if (!url.startsWith("jdbc:")) {
            throw invalid(name, "key '" + key + "': '" + Secrets.maskUrl(url) + "' is not a JDBC URL (jdbc:<subprotocol>:...)");
        }
        int colon = url.indexOf(':', 5);
        String prefix = colon < 0 ? url : url.substring(0, colon + 1);
        String claimedBy = null;
        for (Driver d : drivers()) {
            if (accepts(d, url)) {
                return;
            }
            if (claimedBy == null && colon > 0 && (accepts(d, prefix) || accepts(d, prefix + "//"))) {
                claimedBy = d.getClass().getName();
            }
        }
        if (claimedBy != null) {
            throw invalid(name, "key '" + key + "': driver " + claimedBy + " takes " + prefix + " URLs but refuses '"
                    + Secrets.maskUrl(url) + "'");
        }
        LOG.debug("{}: no JDBC driver in this process claims {}; not checked", name, Secrets.maskUrl(url));
    }

    private static List<Driver> drivers() {
        List<Driver> out = new ArrayList<>();
        DriverManager.drivers().forEach(out::add);
        return out;
    }

    private static boolean accepts(Driver d, String url) {
        try {
            return d.acceptsURL(url);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static Object instantiate(String name, Class<?> type) {
        String className = type.getName();
        try {
            Constructor<?> ctor = type.getConstructor();
            return ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw invalid(name, "pool class " + className + " has no public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw invalid(name, "pool class " + className + " failed to construct: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw invalid(name, "pool class " + className + " cannot be instantiated: " + e, e);
        }
    }

    /** The setter {@link #set} uses for a property, or INVALID_CONFIG naming it (with the closest property). */
    private static Method requireSetter(String name, Class<?> type, String property) {
        List<Method> candidates = setters(type, property);
        if (candidates.isEmpty()) {
            Class<?> other = anySetterType(type, property);
            throw invalid(name, other != null
                    ? "property '" + property + "' of pool class " + type.getName() + " takes a "
                      + other.getSimpleName() + ", which cannot be set from text"
                    : "unknown property '" + property + "' for pool class " + type.getName()
                      + " (no public setter set" + capitalize(property) + ")"
                      + DidYouMean.suggest(property, properties(type)));
        }
        return choose(candidates);
    }

    /** The properties of a pool class that text can set. */
    private static List<String> properties(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            String n = m.getName();
            if (n.length() > 3 && n.startsWith("set") && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())
                    && isConvertible(m.getParameterTypes()[0])) {
                out.add(Character.toLowerCase(n.charAt(3)) + n.substring(4));
            }
        }
        return out;
    }

    private static void set(String name, Object pool, String property, String text) {
        Class<?> type = pool.getClass();
        Method setter = requireSetter(name, type, property);
        Object value = convert(name, property, text, setter.getParameterTypes()[0], type);
        try {
            setter.invoke(pool, value);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String why = RepositoryConfig.isSecret(property) ? cause.getClass().getName() : String.valueOf(cause);
            throw invalid(name, "property '" + property + "' of pool class " + type.getName() + " was refused: " + why,
                    RepositoryConfig.isSecret(property) ? null : cause);
        } catch (IllegalAccessException e) {
            throw invalid(name, "setter of property '" + property + "' of pool class " + type.getName()
                    + " is not accessible", e);
        }
    }

    private static void shareHousekeeping(String name, Object pool, ScheduledExecutorService housekeeping) {
        Method m;
        try {
            m = pool.getClass().getMethod("setScheduledExecutor", ScheduledExecutorService.class);
        } catch (NoSuchMethodException e) {
            return; // not a pool that takes one
        }
        try {
            m.invoke(pool, housekeeping);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            throw invalid(name, "pool class " + pool.getClass().getName() + " refused a shared scheduled executor: "
                    + cause.getClass().getSimpleName(), cause);
        }
    }

    private static Method setter(Class<?> type, String property) {
        List<Method> candidates = setters(type, property);
        return candidates.isEmpty() ? null : choose(candidates);
    }

    private static List<Method> setters(Class<?> type, String property) {
        String methodName = "set" + capitalize(property);
        List<Method> found = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())
                    && isConvertible(m.getParameterTypes()[0])) {
                found.add(m);
            }
        }
        return found;
    }

    private static Class<?> anySetterType(Class<?> type, String property) {
        String methodName = "set" + capitalize(property);
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && m.getParameterCount() == 1) {
                return m.getParameterTypes()[0];
            }
        }
        return null;
    }

    /** With overloads, a typed setter wins over a String one (the class parses its own text last). */
    private static Method choose(List<Method> candidates) {
        Method best = candidates.get(0);
        for (Method m : candidates) {
            if (best.getParameterTypes()[0] == String.class && m.getParameterTypes()[0] != String.class) {
                best = m;
            }
        }
        return best;
    }

    private static boolean isConvertible(Class<?> t) {
        return t == String.class || t == char[].class || t.isEnum() || t == Duration.class
                || unbox(t).isPrimitive() && t != char.class && t != byte.class && t != void.class;
    }

    private static Object convert(String name, String property, String text, Class<?> t, Class<?> poolClass) {
        if (t == String.class) {
            return text;
        }
        if (t == char[].class) {
            return text.toCharArray();
        }
        String v = text.trim();
        try {
            Class<?> p = unbox(t);
            if (p == int.class) {
                return Integer.valueOf(v);
            } else if (p == long.class) {
                return Long.valueOf(v);
            } else if (p == short.class) {
                return Short.valueOf(v);
            } else if (p == double.class) {
                return Double.valueOf(v);
            } else if (p == float.class) {
                return Float.valueOf(v);
            } else if (p == boolean.class) {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(v);
                }
                throw new IllegalArgumentException("not true or false");
            } else if (t == Duration.class) {
                return RepositoryConfig.parseDuration(v, "property '" + property + "'");
            } else if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) {
                    if (((Enum<?>) c).name().equalsIgnoreCase(v)) {
                        return c;
                    }
                }
                throw new IllegalArgumentException("not one of the constants of " + t.getSimpleName());
            }
        } catch (IllegalArgumentException | GovernanceException e) {
            String shown = RepositoryConfig.isSecret(property) ? "" : " '" + text + "'";
            throw invalid(name, "property '" + property + "' of pool class " + poolClass.getName() + ": value" + shown
                    + " is not a valid " + t.getSimpleName());
        }
        throw new IllegalStateException("unsupported setter type " + t);
    }

    private static Class<?> unbox(Class<?> t) {
        if (t == Integer.class) {
            return int.class;
        } else if (t == Long.class) {
            return long.class;
        } else if (t == Short.class) {
            return short.class;
        } else if (t == Boolean.class) {
            return boolean.class;
        } else if (t == Double.class) {
            return double.class;
        } else if (t == Float.class) {
            return float.class;
        }
        return t;
    }

    private static String capitalize(String property) {
        return property.substring(0, 1).toUpperCase(Locale.ROOT) + property.substring(1);
    }

    /** Closes a pool if it can be closed; failures are ignored (the pool is being thrown away). */
    static void close(Object pool) {
        if (pool instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a pool that fails to close is gone either way
            }
        }
    }

    private static GovernanceException invalid(String name, String message) {
        return invalid(name, message, null);
    }

    private static GovernanceException invalid(String name, String message, Throwable cause) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, name + ": " + message, cause);
    }
}
