package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.repository.RepositoryConfig;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps database credentials out of messages, logs and listener events. Stateless and thread-safe.
 */
final class Secrets {

    private static final String MASK = "******";
    /** {@code password=...} (and similar) in a URL's query or property part, up to {@code & ; ? ,}. */
    private static final Pattern URL_PARAM =
            Pattern.compile("(?i)((?:password|passwd|pwd|secret|token)=)[^&;?,]*");
    /** {@code user:password@host}. */
    private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    private Secrets() {
    }

    /** The URL with any password parameter or user-info password replaced by a mask; null stays null. */
    static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_PARAM.matcher(url).replaceAll("$1" + MASK);
        return URL_USERINFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /**
     * A driver's message with every secret property value of {@code config} replaced by a mask, for
     * drivers that echo what they were given.
     */
    static String scrub(String message, DataSourceConfig config) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            if (RepositoryConfig.isSecret(e.getKey()) && !e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), MASK);
            }
        }
        return maskUrl(out);
    }
}
