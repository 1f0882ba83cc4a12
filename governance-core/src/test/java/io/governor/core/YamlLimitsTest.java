package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import io.governor.core.Governance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size limit on YAML documents applies before parsing, to files and center documents alike,
 * and counts every byte (comments too). A refusal that names the size and the limit comes from the
 * size check: SnakeYAML's own limit counts code points and says so differently.
 */
class YamlLimitsTest {

    private static final String HEADER = "governance: {namespace: n, registryCenter: {type: memory}}\n";
    private static final String LIMIT = "more than the limit of " + YamlLimits.MAX_DOCUMENT_BYTES + " bytes";

    @TempDir
    Path dir;

    private final YamlCodec codec = new YamlCodec(RuleCodecs.load());

    /** Comment lines, each 100 bytes with its line feed, of at least {@code bytes} bytes in all. */
    private static String commentLines(long bytes) {
        StringBuilder sb = new StringBuilder();
        String line = "#" + "c".repeat(98) + "\n";
        while (sb.length() < bytes) {
            sb.append(line);
        }
        return sb.toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static GovernanceException refused(Runnable read) {
        GovernanceException e = assertThrows(GovernanceException.class, read::run);
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains(LIMIT), e.getMessage());
        return e;
    }

    @Test
    void fileOfOneLargeScalarIsRefusedByItsSizeNamingFileSizeAndLimit() throws IOException {
        Path file = write("scalar.yaml", HEADER + "props:\n  drain-timeout: \"" + "x".repeat(YamlLimits.MAX_DOCUMENT_BYTES) + "\"\n");
        GovernanceException e = refused(() -> Governance.readConfig(file));
        assertTrue(e.getMessage().startsWith(file + ": the document is " + Files.size(file) + " bytes"), e.getMessage());
    }

    @Test
    void fileOfCommentLinesBeyondTheLimitIsRefused() throws IOException {
        Path file = write("comments.yaml", HEADER + commentLines(YamlLimits.MAX_DOCUMENT_BYTES));
        GovernanceException e = refused(() -> Governance.readConfig(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void fileOfExactlyTheLimitInMultiByteCharactersStillLoads() throws IOException {
        String body = HEADER + "# \u00e9t\u00e9 \ud83d\ude00\n";
        String padded = body + commentLines(YamlLimits.MAX_DOCUMENT_BYTES - 200);
        int left = YamlLimits.MAX_DOCUMENT_BYTES - padded.getBytes(StandardCharsets.UTF_8).length;
        Path file = write("full.yaml", padded + "#" + "c".repeat(left - 2) + "\n");
        assertEquals(YamlLimits.MAX_DOCUMENT_BYTES, Files.size(file));
        GovernanceConfig config = Governance.readConfig(file);
        assertEquals("n", config.namespace());
    }

    @Test
    void centerDocumentOfCommentsBeyondTheLimitIsRefusedNamingTheKey() {
        String rules = "- !READWRITE_SPLITTING\n  primary: p\n  replicas: []\n" + commentLines(YamlLimits.MAX_DOCUMENT_BYTES);
        GovernanceException e = refused(() -> codec.readRules(rules, "memory node /config/databases/orders/rules"));
        assertTrue(e.getMessage().startsWith("memory node /config/databases/orders/rules: the document is "), e.getMessage());
    }

    @Test
    void centerDocumentCountsBytesNotCharacters() {
        // under the limit in characters, over it in UTF-8 bytes (2 bytes each)
        String props = "drain-timeout: \"" + "\u00e9".repeat(YamlLimits.MAX_DOCUMENT_BYTES / 2 + 1) + "\"\n";
        GovernanceException e = refused(() -> codec.readProps(props, "node /config/props"));
        assertTrue(e.getMessage().contains(" is " + props.getBytes(StandardCharsets.UTF_8).length + " bytes"), e.getMessage());
    }

    @Test
    void utf8LengthMatchesTheEncoder() {
        for (String s : new String[] {"", "a", "\u00e9", "\u20ac", "\ud83d\ude00", "a\ud83dz", "\ude00", "x\u00e9\u20ac\ud83d\ude00\ud83d"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, YamlLimits.utf8Length(s), s);
        }
    }
}
