package io.governor.core;


import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.config.LoadBalancerType;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.api.config.RuleConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.governor.core.ErrorMessages.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlCodecTest {

    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());

    private static final String GOVERNOR_YAML = """
            governance:
              namespace: order-service
              registryCenter: { type: zookeeper, serverLists: "127.0.0.1:2181", props: { sessionTimeout: 10s, digest: "gov:s3cret" } }
              configCenter:   { type: apollo, serverLists: "http://apollo-meta:8080", props: { appId: order } }
              bootstrap: local
            databases:
              orders:
                dataSources:
                  primary:   { dataSourceClassName: com.zaxxer.hikari.HikariDataSource, jdbcUrl: "jdbc:h2:mem:p", username: app, password: "pw1", maximumPoolSize: 20 }
                  replica_0: { jdbcUrl: "jdbc:h2:mem:r0", username: app, password: "pw2" }
                rules:
                  - !READWRITE_SPLITTING
                    primary: primary
                    replicas: [replica_0]
                    loadBalancer: ROUND_ROBIN
            props:
              drain-timeout: 30s
            """;

    @Test
    void readsTheDesignExampleOfGovernorYaml() {
        GovernanceConfig cfg = codec.readGovernanceConfig(GOVERNOR_YAML, "governor.yaml");
        assertEquals("order-service", cfg.namespace());
        assertEquals("zookeeper", cfg.registryCenter().type());
        assertEquals("order-service", cfg.registryCenter().namespace());
        assertEquals(Duration.ofSeconds(10), cfg.registryCenter().durationProperty("sessionTimeout", null));
        assertEquals("apollo", cfg.configCenter().orElseThrow().type());
        assertEquals(BootstrapMode.LOCAL, cfg.bootstrap());
        DatabaseConfig orders = cfg.databases().get("orders");
        assertEquals("20", orders.dataSources().get("primary").properties().get("maximumPoolSize"));
        assertEquals(DataSourceConfig.DEFAULT_POOL_CLASS, orders.dataSources().get("replica_0").poolClassName());
        assertEquals(ReadwriteSplittingRule.of("primary", "replica_0"), orders.rules().get(0));
        assertEquals(Duration.ofSeconds(30), cfg.props().drainTimeout());
    }

    @Test
    void configToStringMasksPasswordsAndDigest() {
        GovernanceConfig cfg = codec.readGovernanceConfig(GOVERNOR_YAML, "governor.yaml");
        String shown = cfg.toString() + cfg.databases().get("orders").dataSources().toString();
        assertFalse(shown.contains("s3cret"), shown);
        assertFalse(shown.contains("pw1"), shown);
        assertFalse(shown.contains("pw2"), shown);
    }

    @Test
    void documentsRoundTripThroughWriteAndRead() {
        DataSourceConfig ds = DataSourceConfig.of("jdbc:h2:mem:x", "app", "p@ss: 'w\"ord")
                .with("maximumPoolSize", "20").with("autoCommit", "true").with("poolName", "007").with("connectionInitSql", "null");
        assertEquals(ds, codec.readDataSource(codec.writeDataSource(ds), "test"));
        List<RuleConfig> rules = List.of(new ReadwriteSplittingRule("p", List.of("r1", "r2"), LoadBalancerType.WEIGHT, Map.of("r1", 3)));
        assertEquals(rules, codec.readRules(codec.writeRules(rules), "test"));
        GovernanceProps props = new GovernanceProps(Map.of("drain-timeout", "5s"));
        assertEquals(props, codec.readProps(codec.writeProps(props), "test"));
    }

    @Test
    void revisionIsIndependentOfInsertionOrder() {
        DatabaseConfig a = DatabaseConfig.empty().withDataSource("b", DataSourceConfig.of("jdbc:b", "u", "p"))
                .withDataSource("a", DataSourceConfig.of("jdbc:a", "u", "p"));
        DatabaseConfig b = DatabaseConfig.empty().withDataSource("a", DataSourceConfig.of("jdbc:a", "u", "p"))
                .withDataSource("b", DataSourceConfig.of("jdbc:b", "u", "p"));
        GovernanceProps none = GovernanceProps.empty();
        assertEquals(Revisions.of(codec, a, none), Revisions.of(codec, b, none));
        assertEquals(Revisions.LENGTH, Revisions.of(codec, a, none).length());
        assertNotEquals(Revisions.of(codec, a, none),
                Revisions.of(codec, a.withDataSource("a", DataSourceConfig.of("jdbc:a2", "u", "p")), none));
    }

    @Test
    void revisionSeesEveryPartOfTheContent() {
        DatabaseConfig base = DatabaseConfig.empty().withDataSource("p", DataSourceConfig.of("jdbc:p", "u", "p"))
                .withDataSource("r", DataSourceConfig.of("jdbc:r", "u", "p"))
                .withRules(List.of(ReadwriteSplittingRule.of("p", "r")));
        GovernanceProps none = GovernanceProps.empty();
        String rev = Revisions.of(codec, base, none);
        java.util.Set<String> seen = new java.util.HashSet<>(List.of(rev));
        // each variation changes one thing; none may collide with the base or with another
        List<String> variants = List.of(
                Revisions.of(codec, base.withDataSource("p", DataSourceConfig.of("jdbc:p", "u", "other")), none),
                Revisions.of(codec, base.withDataSource("p", base.dataSources().get("p").with("maximumPoolSize", "5")), none),
                Revisions.of(codec, base.withRules(List.of()), none),
                Revisions.of(codec, base.withRules(List.of(new ReadwriteSplittingRule("p", List.of("r"),
                        LoadBalancerType.WEIGHT, Map.of("r", 2)))), none),
                Revisions.of(codec, base, new GovernanceProps(Map.of("drain-timeout", "5s"))),
                // moving text between a key and its value must not collide
                Revisions.of(codec, base.withDataSource("p", DataSourceConfig.of("jdbc:p", "u", "p").with("ab", "c")), none),
                Revisions.of(codec, base.withDataSource("p", DataSourceConfig.of("jdbc:p", "u", "p").with("a", "bc")), none));
        for (String v : variants) {
            assertTrue(seen.add(v), "revision collision: " + v);
        }
        assertEquals(rev, Revisions.of(codec, base, none), "same content, same revision");
    }

    @Test
    void globalTagPayloadIsRejectedAndNothingIsInstantiated() {
        String payload = """
                - !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://127.0.0.1:1/x.jar"]]]]
                """;
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readRules(payload, "zookeeper node /config/databases/orders/rules"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("javax.script.ScriptEngineManager"), e.getMessage());
        assertTrue(e.getMessage().contains("/config/databases/orders/rules"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void globalTagInsideADataSourceIsRejected() {
        String payload = "jdbcUrl: !!java.io.File [\"/etc/passwd\"]\n";
        assertRejected(() -> codec.readDataSource(payload, "node ds"), null, "java.io.File", "not allowed");
    }

    @Test
    @Timeout(5)
    void billionLaughsDocumentIsRejectedQuickly() {
        StringBuilder sb = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            sb.append("]\n");
        }
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readPlainMap(sb.toString(), "node /status/x"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().toLowerCase().contains("alias"), e.getMessage());
    }

    @Test
    void aliasExpansionBeyondTheNodeBudgetIsRejected() {
        // Within the alias limit, but each alias multiplies the nodes read.
        StringBuilder sb = new StringBuilder("a0: &a0 [");
        for (int j = 0; j < 2000; j++) {
            sb.append(j == 0 ? "" : ",").append("x");
        }
        sb.append("]\n");
        for (int i = 1; i <= 3; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 5; j++) {
                sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            sb.append("]\n");
        }
        String doc = "- !READWRITE_SPLITTING\n  primary: p\n  replicas: " + "[]\n";
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> codec.readGovernanceConfig("governance: {namespace: n, registryCenter: {type: memory}}\n" + "props:\n  " + sb.toString().replace("\n", "\n  "), "f"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(codec.readRules(doc, "ok").size() == 1);
    }

    @Test
    void tooDeeplyNestedDocumentIsRejected() {
        String deep = "[".repeat(200) + "]".repeat(200);
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readRules(deep, "node r"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }

    @Test
    void oversizedDocumentIsRejected() {
        String big = "k: \"" + "x".repeat(YamlLimits.MAX_DOCUMENT_BYTES + 10) + "\"\n";
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readPlainMap(big, "node big"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }

    @Test
    void malformedNodeValueIsRejectedNamingKeyAndLine() {
        String broken = """
                - !READWRITE_SPLITTING
                  primary: primary
                  replicas: [replica_0
                  loadBalancer: ROUND_ROBIN
                """;
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> codec.readRules(broken, "zookeeper node /config/databases/orders/rules"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().startsWith("zookeeper node /config/databases/orders/rules: line "), e.getMessage());
    }

    @Test
    void wrongShapeNamesTheKeyPathAndLine() {
        String doc = """
                jdbcUrl: jdbc:h2:mem:x
                username:
                  - a
                """;
        GovernanceException e = assertThrows(GovernanceException.class, () -> codec.readDataSource(doc, "node ds"));
        assertEquals("node ds: line 3, key 'username': expected a single value, found a list", e.getMessage());
    }

    @Test
    void unknownRuleFieldNamesFieldAndLine() {
        String doc = """
                - !READWRITE_SPLITTING
                  primary: p
                  replica: [r]
                """;
        assertRejected(() -> codec.readRules(doc, "node rules"),
                "node rules: line 3, key '[0].replica': unknown field 'replica' of rule !READWRITE_SPLITTING; did you mean 'replicas'?");
    }

    @Test
    void unknownRuleTagIsRejectedListingKnownTags() {
        assertRejected(() -> codec.readRules("- !SHARDING {a: 1}\n", "node rules"), null,
                "unknown rule type !SHARDING; known: [!READWRITE_SPLITTING]");
    }

    @Test
    void untaggedRuleIsRejected() {
        assertRejected(() -> codec.readRules("- {primary: p}\n", "node rules"), null, "must be tagged");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertRejected(() -> codec.readDataSource("jdbcUrl: a\njdbcUrl: b\n", "node ds"), null, "line 2, key 'jdbcUrl': duplicate key");
    }

    @Test
    void mergeKeysAreRejected() {
        assertRejected(() -> codec.readPlainMap("base: &b {a: 1}\nx:\n  <<: *b\n", "node x"), null, "merge keys");
    }

    @Test
    void ruleNamingAMissingDataSourceIsRejectedInGovernorYaml() {
        String doc = """
                governance: { namespace: n, registryCenter: { type: memory } }
                databases:
                  orders:
                    dataSources:
                      primary: { jdbcUrl: "jdbc:h2:mem:p" }
                    rules:
                      - !READWRITE_SPLITTING { primary: primary, replicas: [replica_9] }
                """;
        assertRejected(() -> codec.readGovernanceConfig(doc, "governor.yaml"),
                "governor.yaml: line 7, key 'databases.orders.rules'", "replica 'replica_9' names no data source");
    }

    @Test
    void unknownPropIsRejectedWithItsLine() {
        String doc = "governance: { namespace: n, registryCenter: { type: memory } }\nprops:\n  drain-timout: 5s\n";
        assertRejected(() -> codec.readGovernanceConfig(doc, "governor.yaml"), "governor.yaml: line 3, key 'props.drain-timout': unknown property");
    }

    @Test
    void badDurationNamesTheProperty() {
        assertRejected(() -> codec.readProps("drain-timeout: soon\n", "node /config/props"), null, "drain-timeout", "line 1");
    }

    @Test
    void labelsStrictStartupAndHistoryLimitAreRead() {
        String doc = "governance:\n  namespace: n\n  registryCenter: { type: memory }\n"
                + "  labels: { zone: eu-1, tier: canary }\n  strictStartup: true\n  historyLimit: 7\n";
        GovernanceConfig cfg = codec.readGovernanceConfig(doc, "governor.yaml");
        assertEquals(java.util.Map.of("zone", "eu-1", "tier", "canary"), cfg.labels());
        assertTrue(cfg.strictStartup());
        assertEquals(7, cfg.historyLimit());
        GovernanceConfig defaults = codec.readGovernanceConfig("governance: { namespace: n, registryCenter: { type: memory } }\n", "f");
        assertEquals(java.util.Map.of(), defaults.labels());
        assertFalse(defaults.strictStartup());
        assertEquals(GovernanceConfig.DEFAULT_HISTORY_LIMIT, defaults.historyLimit());
    }

    @Test
    void badLabelsStrictStartupAndHistoryLimitNameTheKey() {
        String head = "governance:\n  namespace: n\n  registryCenter: { type: memory }\n";
        assertRejected(() -> codec.readGovernanceConfig(head + "  strictStartup: yes please\n", "governor.yaml"), null,
                "strictStartup", "'yes please' is not true or false", "line 4");
        assertRejected(() -> codec.readGovernanceConfig(head + "  historyLimit: many\n", "governor.yaml"), null,
                "historyLimit", "'many' is not a whole number", "line 4");
        assertRejected(() -> codec.readGovernanceConfig(head + "  historyLimit: 0\n", "governor.yaml"), null,
                "governance.historyLimit 0 is out of range");
        assertRejected(() -> codec.readGovernanceConfig(head + "  labels: { zone: 'eu 1' }\n", "governor.yaml"), null,
                "governance.labels: label 'zone'", "is not a legal name");
        assertRejected(() -> codec.readGovernanceConfig(head + "  labels: [zone]\n", "governor.yaml"), null, "labels");
        assertRejected(() -> codec.readGovernanceConfig(head + "  historyLimt: 5\n", "governor.yaml"), null,
                "historyLimt", "historyLimit");
    }

    @Test
    void missingRegistryCenterIsRejected() {
        assertRejected(() -> codec.readGovernanceConfig("governance: { namespace: n }\n", "governor.yaml"), null, "'registryCenter' is required");
    }

    @Test
    void emptyDocumentsMeanEmptyConfiguration() {
        assertEquals(List.of(), codec.readRules("", "r"));
        assertEquals(GovernanceProps.empty(), codec.readProps("", "p"));
    }

    /**
     * Status documents and props are written without the serialiser when all text is printable
     * ASCII; every text must read back as itself, whether written plain or quoted.
     */
    @Test
    void plainMapsReadBackAsWrittenForTextYamlWouldReadAsSomethingElse() {
        List<String> texts = List.of("plain", "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "NULL", "nulls", "NuLL", "Nope", "~", "",
                " lead", "trail ", "a: b", "a:b", "#x", "x #y", "- x", "-x", "-", "1", "-1", "+1", "0x1F", "0o17", "1e3",
                "1_000", ".5", ".inf", ".NaN", "190:20:30", "2026-11-29", "2026-11-29T23:04:22.123Z", "a\nb", "a\n",
                "\n", "tab\there", "\"q\"", "it's", "back\\slash", "@x", "`x", "%x", "!x", "&x", "*x", "|", ">", "?",
                "? x", ",", "[a]", "{a: 1}", "'", "---", "...", "<<", "=", "3fa9c0de", "0123", "007", "jdbc:h2:mem:x;A=1",
                "non-ascii é", "emoji \uD83D\uDE00", "ctl \u0001");
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            doc.put("k" + i, texts.get(i));
            nested.put(texts.get(i), texts.get(i));
        }
        doc.put("nested", nested);
        doc.put("empty", Map.of());
        for (Map<String, Object> m : List.of(doc, Map.<String, Object>of("only", "one"), Map.<String, Object>of())) {
            String text = codec.writePlainMap(m);
            assertEquals(m, codec.readPlainMap(text, "node t"), text);
        }
        // Without a non-ASCII text the document is written directly; it must still read back.
        Map<String, Object> ascii = new java.util.LinkedHashMap<>(doc);
        ascii.keySet().removeIf(k -> k.startsWith("k") && !texts.get(Integer.parseInt(k.substring(1))).chars().allMatch(c -> c < 0x7F && (c >= 0x20 || c == '\n' || c == '\t')));
        Map<String, Object> asciiNested = new java.util.LinkedHashMap<>(nested);
        asciiNested.keySet().removeIf(k -> !k.chars().allMatch(c -> c < 0x7F && (c >= 0x20 || c == '\n' || c == '\t')));
        ascii.put("nested", asciiNested);
        String text = codec.writePlainMap(ascii);
        assertEquals(ascii, codec.readPlainMap(text, "node t"), text);
        assertTrue(text.contains("\nk0: plain\n") || text.startsWith("k0: plain\n"), text);
        assertTrue(text.contains("k2: No\n"), text);
        assertTrue(text.contains("k9: \"null\"\n"), text);
    }
}
