package io.governor.api.event;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a listener wants to know about a database from its JDBC URL: the database system and the
 * server's host and port. {@link #of} parses a URL once and remembers the answer (a governed database
 * has a handful of URLs); an unusual URL yields what could be read, never an exception. Events give
 * theirs as {@link StatementEvent#endpoint()} and {@link ConnectionEvent#endpoint()}.
 *
 * <p>Immutable; {@link #of} is thread-safe.
 *
 * @param system     the database system as OpenTelemetry's {@code db.system} names it ({@code h2}, {@code postgresql}, ...)
 * @param systemName the same as the stable conventions' {@code db.system.name} ({@code h2database}, ...)
 * @param host       the server's host, or null (embedded and in-memory databases)
 * @param port       the server's port when the URL gives one, else -1
 */
public record JdbcEndpoint(String system, String systemName, String host, int port) {

    /** The endpoint of an unknown or missing URL. */
    public static final JdbcEndpoint UNKNOWN = new JdbcEndpoint("other_sql", "other_sql", null, -1);

    /** Beyond this many distinct URLs, endpoints are parsed without being remembered. */
    private static final int MAX_CACHED = 256;

    /** Drivers that wrap another driver's URL: {@code jdbc:p6spy:mysql://...}. */
    private static final String[] WRAPPERS = {"p6spy:", "log4jdbc:", "tc:", "otel:"};

    /** Parsed URLs: a memo of a pure function, bounded, shared by every listener of the JVM. */
    private static final Map<String, JdbcEndpoint> CACHE = new ConcurrentHashMap<>();

    /** {@code host:port}, {@code host}, or null. */
    public String address() {
        return host == null ? null : port < 0 ? host : host + ":" + port;
    }

    /** The endpoint of {@code jdbcUrl} ({@link #UNKNOWN} for null), parsed once per URL. */
    public static JdbcEndpoint of(String jdbcUrl) {
        if (jdbcUrl == null) {
            return UNKNOWN;
        }
        JdbcEndpoint e = CACHE.get(jdbcUrl);
        if (e == null) {
            e = parse(jdbcUrl);
            if (CACHE.size() < MAX_CACHED) {
                CACHE.put(jdbcUrl, e);
            }
        }
        return e;
    }

    /** The endpoint of {@code url}, parsed now. */
    public static JdbcEndpoint parse(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5)) {
            return UNKNOWN;
        }
        String rest = url.substring(5);
        for (String w : WRAPPERS) {
            if (rest.regionMatches(true, 0, w, 0, w.length())) {
                rest = rest.substring(w.length());
            }
        }
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            return UNKNOWN;
        }
        String scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
        String[] system = system(scheme);
        String host = null;
        int port = -1;
        String authority = authority(rest);
        if (authority != null) {
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                authority = authority.substring(at + 1);
            }
            int comma = authority.indexOf(',');
            if (comma >= 0) {
                authority = authority.substring(0, comma);
            }
            int backslash = authority.indexOf('\\');
            if (backslash >= 0) {
                authority = authority.substring(0, backslash);
            }
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                host = close > 0 ? authority.substring(1, close) : null;
                port = close > 0 && authority.startsWith(":", close + 1) ? port(authority.substring(close + 2)) : -1;
            } else {
                int c = authority.indexOf(':');
                host = c < 0 ? authority : authority.substring(0, c);
                port = c < 0 ? -1 : port(authority.substring(c + 1));
            }
            if (host != null && host.isEmpty()) {
                host = null;
            }
        }
        return new JdbcEndpoint(system[0], system[1], host, host == null ? -1 : port);
    }

    /** {@code host:port} part: after {@code //} (or Oracle's {@code @}), up to the path or properties. */
    private static String authority(String rest) {
        int start;
        int slashes = rest.indexOf("//");
        int oracle = rest.indexOf(":@");
        if (oracle >= 0 && (slashes < 0 || oracle < slashes)) {
            start = rest.startsWith("//", oracle + 2) ? oracle + 4 : oracle + 2;
            if (rest.startsWith("(", start)) {
                return null; // a TNS descriptor
            }
            int end = firstOf(rest, start, "/?;");
            String a = rest.substring(start, end);
            // host:port:SID
            int c1 = a.indexOf(':');
            int c2 = c1 < 0 ? -1 : a.indexOf(':', c1 + 1);
            return c2 < 0 ? a : a.substring(0, c2);
        }
        if (slashes < 0) {
            return null;
        }
        start = slashes + 2;
        return rest.substring(start, firstOf(rest, start, "/?;"));
    }

    private static int firstOf(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            return p > 0 && p < 65536 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {legacy db.system, stable db.system.name} of a JDBC URL scheme. */
    private static String[] system(String scheme) {
        return switch (scheme) {
            case "h2" -> new String[] {"h2", "h2database"};
            case "postgresql", "pgsql" -> new String[] {"postgresql", "postgresql"};
            case "mysql" -> new String[] {"mysql", "mysql"};
            case "mariadb" -> new String[] {"mariadb", "mariadb"};
            case "oracle" -> new String[] {"oracle", "oracle.db"};
            case "sqlserver", "jtds" -> new String[] {"mssql", "microsoft.sql_server"};
            case "db2", "as400" -> new String[] {"db2", "ibm.db2"};
            case "hsqldb" -> new String[] {"hsqldb", "hsqldb"};
            case "derby" -> new String[] {"derby", "derby"};
            case "sqlite" -> new String[] {"sqlite", "sqlite"};
            case "clickhouse", "ch" -> new String[] {"clickhouse", "clickhouse"};
            case "redshift" -> new String[] {"redshift", "aws.redshift"};
            case "sap" -> new String[] {"hanadb", "sap.hana"};
            default -> new String[] {"other_sql", "other_sql"};
        };
    }
}
