package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    @Test
    void misspeltTopLevelKeyNamesLineAndSuggestsTheKnownOne() {
        GovernanceException e = invalid("governance: { namespace: n, registryCenter: { type: memory } }\ndatabses: {}\n");
        assertTrue(e.getMessage().startsWith("governor.yaml: line 2, key 'databses': unknown key 'databses' in top level"
                + "; did you mean 'databases'?"), e.getMessage());
    }

    @Test
    void misspeltGovernanceKeySuggestsTheKnownOne() {
        GovernanceException e = invalid("governance:\n  namespace: n\n  registryCenter: { type: memory }\n  startupTimout: 60s\n");
        assertTrue(e.getMessage().startsWith("governor.yaml: line 4, key 'governance.startupTimout'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'startupTimeout'?"), e.getMessage());
    }

    @Test
    void misspeltCenterKeySuggestsTheKnownOne() {
        GovernanceException e = invalid("governance:\n  namespace: n\n  registryCenter:\n    type: memory\n    serverList: x\n");
        assertTrue(e.getMessage().startsWith("governor.yaml: line 5, key 'governance.registryCenter.serverList'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'serverLists'?"), e.getMessage());
    }

    @Test
    void misspeltDatabaseKeySuggestsTheKnownOne() {
        GovernanceException e = invalid("""
                governance: { namespace: n, registryCenter: { type: memory } }
                databases:
                  orders:
                    datasources: {}
                """);
        assertTrue(e.getMessage().startsWith("governor.yaml: line 4, key 'databases.orders.datasources'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'dataSources'?"), e.getMessage());
    }

    @Test
    void misspeltPoolPropertyInAFileNamesFileLineDataSourceAndTheKnownProperty() {
        GovernanceException e = invalid("""
                governance: { namespace: n, registryCenter: { type: memory } }
                databases:
                  orders:
                    dataSources:
                      primary:
                        jdbcUrl: "jdbc:h2:mem:p"
                        maximumPoolSise: 5
                """);
        assertTrue(e.getMessage().startsWith("governor.yaml: line 6, key 'databases.orders.dataSources.primary'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("maximumPoolSise") && e.getMessage().contains("did you mean 'maximumPoolSize'?"),
                e.getMessage());
    }

    @Test
    void misspeltRuleTypeSuggestsTheKnownTag() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> codec.readRules("- !READWRITE_SPLITING { primary: p }\n", "zookeeper node /config/databases/orders/rules"));
        assertTrue(e.getMessage().startsWith("zookeeper node /config/databases/orders/rules: line 1"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean '!READWRITE_SPLITTING'?"), e.getMessage());
    }

    @Test
    void misspeltRuleFieldSuggestsTheKnownField() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> codec.readRules("- !READWRITE_SPLITTING\n  primary: p\n  loadBalancr: RANDOM\n", "node rules"));
        assertTrue(e.getMessage().startsWith("node rules: line 3, key '[0].loadBalancr'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'loadBalancer'?"), e.getMessage());
    }

    @Test
    void dataSourceWithoutJdbcUrlIsInvalidConfigNamingFileLineAndKey() {
        GovernanceException e = invalid("""
                governance: { namespace: n, registryCenter: { type: memory } }
                databases:
                  orders:
                    dataSources:
                      primary: { username: sa, password: pw }
                """);
        assertTrue(e.getMessage().startsWith("governor.yaml: line 5, key 'databases.orders.dataSources.primary': jdbcUrl is required"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("pw"), "no password in the message: " + e.getMessage());
    }

    @Test
    void dataSourceWithAMisspeltJdbcUrlSuggestsIt() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> codec.readDataSource("jdbcURL: jdbc:h2:mem:x\nusername: sa\n", "etcd key /config/databases/orders/datasources/primary"));
        assertTrue(e.getMessage().startsWith("etcd key /config/databases/orders/datasources/primary: line 1: jdbcUrl is required"),
                e.getMessage());
        assertTrue(e.getMessage().contains("found 'jdbcURL': did you mean 'jdbcUrl'?"), e.getMessage());
    }

    @Test
    void globalTagIsRefusedAsNotAllowedForSafetyNotAsMalformedYaml() {
        GovernanceException e = invalid("""
                governance: { namespace: n, registryCenter: { type: memory } }
                props:
                  x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://127.0.0.1:1/x.jar"]]]]
                """);
        assertTrue(e.getMessage().startsWith("governor.yaml: line 3: tag '!!javax.script.ScriptEngineManager' is not allowed"
                + " (Governor loads only its own tags, for safety)"), e.getMessage());
        assertTrue(!e.getMessage().contains("malformed"), e.getMessage());
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
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> cfg.registryCenter().requireKnownProperties(java.util.Set.of("sessionTimeout", "connectionTimeout")));
        assertTrue(e.getMessage().startsWith(file + ": line 6, key 'governance.registryCenter.props.sessionTimout': unknown property"),
                e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'sessionTimeout'?"), e.getMessage());
    }
}
