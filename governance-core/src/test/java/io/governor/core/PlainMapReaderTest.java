package io.governor.core;

import io.governor.api.GovernanceException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The direct plain-map reader must give exactly what the SnakeYAML path gives, or step aside.
 */
class PlainMapReaderTest {

    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());
    private final PlainMapReader reader = new PlainMapReader(new org.yaml.snakeyaml.resolver.Resolver());

    private static final List<String> TEXTS = List.of("plain", "yes", "No", "on", "true", "null", "Null", "NULL", "nulls", "~", "",
            " lead", "trail ", "a: b", "#x", "- x", "-1", "1", "0x1F", "1e3", "1_000", ".5", ".inf", "190:20:30",
            "2026-11-29", "2026-11-29T23:04:22.123Z", "a\nb", "\n", "tab\there", "\"q\"", "it's", "back\\slash", "@x",
            "[a]", "{a: 1}", "---", "...", "<<", "=", "3fa9c0de", "0123", "jdbc:h2:mem:x;A=1", "a/b", "_x", "x.y-z");

    @Test
    void everyDirectlyWrittenDocumentReadsTheSameBothWays() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            Map<String, Object> doc = randomMap(random, 0);
            String text = codec.writePlainMap(doc);
            Map<String, Object> slow = codec.readPlainMapThroughSnakeYaml(text, "node t");
            assertEquals(doc, slow, text);
            Map<String, Object> fast = reader.read(text);
            assertNotNull(fast, () -> "a directly written document is read directly: " + text);
            assertEquals(slow, fast, text);
        }
    }

    private static Map<String, Object> randomMap(Random random, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int size = random.nextInt(depth == 0 ? 6 : 4);
        for (int i = 0; i < size; i++) {
            String key = TEXTS.get(random.nextInt(TEXTS.size()));
            if (key.equals("null") || key.equals("Null") || key.equals("NULL") || key.equals("~") || m.containsKey(key)) {
                continue; // keys YAML reads as null are not text keys
            }
            int kind = random.nextInt(10);
            m.put(key, kind == 0 && depth < 3 ? randomMap(random, depth + 1) : kind == 1 ? null
                    : TEXTS.get(random.nextInt(TEXTS.size())));
        }
        return m;
    }

    @Test
    void anythingElseIsLeftToSnakeYamlAndReadsTheSame() {
        List<String> docs = List.of(
                "a: b\n", "a: b", "a: b # note\n", "# c\na: b\n", "a: b \n", "a:  b\n", "a:\tb\n", "a: b\r\n",
                "---\na: b\n", "a: b\n...\n", "a:\n  b: c\nd: e\n", "a:\n    b: c\n", "a:\n b: c\n", "a:\n", "a:\nb: c\n",
                "a: b\n  c\n", "a: b\na: c\n", "a: {}\n", "a: {}x\n", "a: {b: c}\n", "a: [b]\n", "a: - b\n",
                "a: 'b'\n", "a: \"b\\u0041\"\n", "a: \"b\\x41\"\n", "a: \"b\n", "\"a\": b\n", "\"a\":b\n", "a: null\n",
                "a: ~\n", "null: a\n", "~: a\n", "1: a\n", "true: a\n", "a: 2026-11-29\n", "a: !!str b\n",
                "a: &x b\nc: *x\n", "<<: {a: b}\n", "a: b: c\n", "{}\n", "{}", "", " \n", "a: \"\"\n", "\"\": a\n",
                "a: é\n", "a: \"é\"\n", "- a\n", "a\n", "a: |\n  x\n", "a: >\n  x\n");
        for (String doc : docs) {
            Map<String, Object> fast = reader.read(doc);
            Object slow;
            try {
                slow = codec.readPlainMapThroughSnakeYaml(doc, "node t");
            } catch (GovernanceException e) {
                assertNull(fast, () -> "SnakeYAML rejects " + e.getMessage() + " but the direct reader read: " + doc);
                assertThrows(GovernanceException.class, () -> codec.readPlainMap(doc, "node t"), doc);
                continue;
            }
            if (fast != null) {
                assertEquals(slow, fast, doc);
            }
            assertEquals(slow, codec.readPlainMap(doc, "node t"), doc);
        }
    }

    @Test
    void theStatusDocumentIsReadDirectly() {
        String text = """
                host: app-7
                pid: 4242
                started: "2026-11-29T23:04:22.123Z"
                version: 0.1.0-SNAPSHOT
                state: ONLINE
                databases:
                  orders:
                    appliedRevision: 3fa9c0de
                    error: "rule names \\"x\\"\\nsecond line"
                  empty: {}
                """;
        Map<String, Object> fast = reader.read(text);
        assertNotNull(fast);
        assertEquals(codec.readPlainMapThroughSnakeYaml(text, "node t"), fast);
        assertEquals("rule names \"x\"\nsecond line", ((Map<?, ?>) ((Map<?, ?>) fast.get("databases")).get("orders")).get("error"));
    }
}
