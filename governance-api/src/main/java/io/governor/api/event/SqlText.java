package io.governor.api.event;

/**
 * SQL text as listeners report it: the operation keyword of a statement (also
 * {@link StatementEvent#operation()}), statement text and bind parameters cut to a length.
 * Allocation-free where it can be: the keyword is a constant, not a substring.
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlText {

    private static final String[] KEYWORDS = {
        "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CALL", "EXECUTE", "EXEC", "WITH",
        "VALUES", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "SET", "SHOW", "EXPLAIN", "BEGIN",
        "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "LOCK", "UNLOCK", "USE", "DECLARE", "ANALYZE",
        "VACUUM", "COPY", "LOAD", "SHUTDOWN", "COMMENT", "RENAME"};

    private SqlText() {
    }

    /**
     * The statement's leading keyword in upper case ({@code SELECT}, {@code CALL} for the JDBC escape
     * {@code {call ...}}), {@code BATCH} for a null text (a batch of plain statements), or null when
     * it is none of the known ones.
     */
    public static String operation(String sql) {
        if (sql == null) {
            return "BATCH";
        }
        int i = skipNoise(sql);
        if (i >= sql.length()) {
            return null;
        }
        if (sql.charAt(i) == '{') {
            return "CALL";
        }
        int end = i;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        int len = end - i;
        for (String k : KEYWORDS) {
            if (k.length() == len && sql.regionMatches(true, i, k, 0, len)) {
                return k;
            }
        }
        return null;
    }

    /** Index of the first character that is not whitespace, an opening parenthesis or a comment. */
    private static int skipNoise(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && sql.startsWith("--", i)) {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                return i;
            }
        }
        return n;
    }

    /** {@code text} cut to at most {@code max} characters, never splitting a surrogate pair. */
    public static String cap(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** A bind parameter as text: {@code null}, {@code byte[n]} for binary values, else its string form, capped. */
    public static String parameter(Object value, int max) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] bytes) {
            return "byte[" + bytes.length + "]";
        }
        return cap(String.valueOf(value), max);
    }
}
