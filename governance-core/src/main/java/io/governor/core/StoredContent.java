package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.RuleConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A database's content with the props, as it is kept outside {@code /config} (history entries,
 * the last good revision): the canonical text of each node it came from, embedded as string values
 * of a plain YAML map ({@link YamlCodec#writePlainMap}): {@code props}, {@code rules} and
 * {@code dataSources} (name to the data source's document, secrets included, as in its own node).
 * Decoding reuses the codec, so its limits and messages are those of {@code /config}.
 *
 * <p>Immutable and thread-safe; does not block.
 *
 * @param database the data sources and rules
 * @param props    the props
 */
record StoredContent(DatabaseConfig database, GovernanceProps props) {

    static final String PROPS = "props";
    static final String RULES = "rules";
    static final String DATA_SOURCES = "dataSources";

    /** The texts: {@code props}, {@code rules}, {@code dataSources}, in that order. */
    Map<String, Object> texts(YamlCodec codec) {
        Map<String, Object> dataSources = new TreeMap<>();
        database.dataSources().forEach((name, ds) -> dataSources.put(name, codec.writeDataSource(ds)));
        Map<String, Object> texts = new LinkedHashMap<>();
        texts.put(PROPS, codec.writeProps(props));
        texts.put(RULES, codec.writeRules(database.rules()));
        texts.put(DATA_SOURCES, dataSources);
        return texts;
    }

    /**
     * Decodes the texts of {@link #texts} (the rules not yet checked against the data sources).
     *
     * @param source what holds them (a node key), for messages
     * @throws GovernanceException {@code INVALID_CONFIG} naming {@code source} and what is wrong
     */
    static StoredContent read(YamlCodec codec, Map<?, ?> texts, String source) {
        GovernanceProps props = readProps(codec, texts, source);
        List<RuleConfig> rules = List.copyOf(codec.readRules(text(texts, RULES, source), source + " (rules)"));
        if (!(texts.get(DATA_SOURCES) instanceof Map<?, ?> ds)) {
            throw invalid(source, "'" + DATA_SOURCES + "' is missing or not a mapping");
        }
        Map<String, DataSourceConfig> dataSources = new TreeMap<>();
        ds.forEach((name, value) -> {
            if (!(value instanceof String s)) {
                throw invalid(source, "data source '" + name + "' is not a text");
            }
            dataSources.put(String.valueOf(name), codec.readDataSource(s, source + " (data source " + name + ")"));
        });
        return new StoredContent(new DatabaseConfig(dataSources, rules), props);
    }

    /** Decodes the {@code props} text alone. */
    static GovernanceProps readProps(YamlCodec codec, Map<?, ?> texts, String source) {
        return codec.readProps(text(texts, PROPS, source), source + " (props)");
    }

    private static String text(Map<?, ?> texts, String name, String source) {
        if (!(texts.get(name) instanceof String s)) {
            throw invalid(source, "'" + name + "' is missing or not a text");
        }
        return s;
    }

    static GovernanceException invalid(String source, String what) {
        return new GovernanceException(ErrorCode.INVALID_CONFIG, source + ": " + what);
    }
}
