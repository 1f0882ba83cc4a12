package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.governor.core.ErrorMessages.HEADER;
import static io.governor.core.ErrorMessages.assertMessage;
import static io.governor.core.ErrorMessages.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3: every {@code INVALID_CONFIG} from a document names its source (file or center key),
 * the line and the key path, and a near miss of a known name gets "did you mean".
 */
class ConfigErrorMessagesTest {

    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());

    private GovernanceException invalid(String doc) {
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readGovernanceConfig(doc, "governor.yaml"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.getMessage());
        return e;
    }

    /** The document is invalid with a message starting with {@code prefix} and not containing {@code absent}. */
    private void assertInvalidWithout(String doc, String prefix, String absent) {
        String message = assertMessage(invalid(doc), prefix).getMessage();
        assertTrue(!message.contains(absent), "'" + absent + "' must not be in the message: " + message);
    }

    @Test
    void misspeltTopLevelKeyNamesLineAndSuggestsTheKnownOne() {
        assertMessage(invalid(HEADER + "databses: {}\n"), "governor.yaml: line 2, key 'databses': unknown key 'databses' in top level"
                + "; did you mean 'databases'?");
    }

    @Test
    void misspeltGovernanceKeySuggestsTheKnownOne() {
        assertMessage(invalid("governance:\n  namespace: n\n  registryCenter: { type: memory }\n  startupTimout: 60s\n"),
                "governor.yaml: line 4, key 'governance.startupTimout'", "did you mean 'startupTimeout'?");
    }

    @Test
    void misspeltCenterKeySuggestsTheKnownOne() {
        assertMessage(invalid("governance:\n  namespace: n\n  registryCenter:\n    type: memory\n    serverList: x\n"),
                "governor.yaml: line 5, key 'governance.registryCenter.serverList'", "did you mean 'serverLists'?");
    }

    @Test
    void misspeltDatabaseKeySuggestsTheKnownOne() {
        assertMessage(invalid(HEADER + "databases:\n  orders:\n    datasources: {}\n"),
                "governor.yaml: line 4, key 'databases.orders.datasources'", "did you mean 'dataSources'?");
    }

    @Test
    void misspeltPoolPropertyInAFileNamesFileLineDataSourceAndTheKnownProperty() {
        assertMessage(invalid(HEADER + """
                databases:
                  orders:
                    dataSources:
                      primary:
                        jdbcUrl: "jdbc:h2:mem:p"
                        maximumPoolSise: 5
                """), "governor.yaml: line 6, key 'databases.orders.dataSources.primary'",
                "maximumPoolSise", "did you mean 'maximumPoolSize'?");
    }

    @Test
    void misspeltRuleTypeSuggestsTheKnownTag() {
        assertRejected(() -> codec.readRules("- !READWRITE_SPLITING { primary: p }\n", "zookeeper node /config/databases/orders/rules"),
                "zookeeper node /config/databases/orders/rules: line 1", "did you mean '!READWRITE_SPLITTING'?");
    }

    @Test
    void misspeltRuleFieldSuggestsTheKnownField() {
        assertRejected(() -> codec.readRules("- !READWRITE_SPLITTING\n  primary: p\n  loadBalancr: RANDOM\n", "node rules"),
                "node rules: line 3, key '[0].loadBalancr'", "did you mean 'loadBalancer'?");
    }

    @Test
    void dataSourceWithoutJdbcUrlIsInvalidConfigNamingFileLineAndKey() {
        assertInvalidWithout(HEADER + "databases:\n  orders:\n    dataSources:\n      primary: { username: sa, password: pw }\n",
                "governor.yaml: line 5, key 'databases.orders.dataSources.primary': jdbcUrl is required", "pw");
    }

    @Test
    void dataSourceWithAMisspeltJdbcUrlSuggestsIt() {
        assertRejected(() -> codec.readDataSource("jdbcURL: jdbc:h2:mem:x\nusername: sa\n", "etcd key /config/databases/orders/datasources/primary"),
                "etcd key /config/databases/orders/datasources/primary: line 1: jdbcUrl is required", "found 'jdbcURL': did you mean 'jdbcUrl'?");
    }

    @Test
    void globalTagIsRefusedAsNotAllowedForSafetyNotAsMalformedYaml() {
        String tag = "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/x.jar\"]]]]";
        assertInvalidWithout(HEADER + "props:\n  x: " + tag + "\n", "governor.yaml: line 3: tag '!!javax.script.ScriptEngineManager'"
                + " is not allowed (Governor loads only its own tags, for safety)", "malformed");
    }

    @Test
    void repositoryPropertiesKeepWhereTheyWereWritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("governor.yaml");
        Files.writeString(file, """
                governance:
                  namespace: n
                  registryCenter:
                    type: zookeeper
                    props:
                      sessionTimout: 10s
                """);
        GovernanceConfig cfg = codec.readGovernanceConfig(file);
        assertEquals(file + ": line 6, key 'governance.registryCenter.props.sessionTimout'",
                cfg.registryCenter().origin("sessionTimout"));
        assertRejected(() -> cfg.registryCenter().requireKnownProperties(java.util.Set.of("sessionTimeout", "connectionTimeout")),
                file + ": line 6, key 'governance.registryCenter.props.sessionTimout': unknown property", "did you mean 'sessionTimeout'?");
    }
}
