package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Paths;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key grammar of {@link Paths} (checked by a character loop, not a regular expression) against
 * its definition as a regular expression, on fixed cases and generated ones.
 */
class PathsGrammarTest {

    private static final Pattern SEGMENT =
            Pattern.compile("[" + Paths.SEGMENT_CHARACTERS + "]{1," + Paths.MAX_SEGMENT_LENGTH + "}");

    private static boolean segmentByDefinition(String s) {
        return s != null && SEGMENT.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }

    private static boolean keyByDefinition(String key) {
        if (key == null || !key.startsWith("/") || key.equals("/") || key.endsWith("/")) {
            return false;
        }
        String[] parts = key.substring(1).split("/", -1);
        if (parts.length > Paths.MAX_DEPTH) {
            return false;
        }
        for (String p : parts) {
            if (!segmentByDefinition(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean key(String key) {
        try {
            Paths.requireKey(key);
            return true;
        } catch (GovernanceException e) {
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            return false;
        }
    }

    @Test
    void fixedCases() {
        for (String s : List.of("a", "A-z_0.9@h:1+x", ".", "..", "...", ".a", "a.", "", " ", "a b", "a/b", "é", "a\n",
                "x".repeat(128), "x".repeat(129), "-", "+", ":", "@")) {
            assertEquals(segmentByDefinition(s), Paths.isSegment(s), s);
        }
        assertEquals(false, Paths.isSegment(null));
        for (String k : List.of("/a", "/a/b", "/a//b", "//", "/a/", "a/b", "/./a", "/a/..", "/a/...", "/" + "x".repeat(129),
                "/a" + "/b".repeat(15), "/a" + "/b".repeat(16), "/a/b c", "/a/b\u00e9")) {
            assertEquals(keyByDefinition(k), key(k), k);
        }
        GovernanceException e = assertThrows(GovernanceException.class, () -> Paths.requireKey("/a/b c/d"));
        assertTrue(e.getMessage().contains("segment 'b c'"), e.getMessage());
        e = assertThrows(GovernanceException.class, () -> Paths.requireKey("/x y" + "/b".repeat(16)));
        assertTrue(e.getMessage().contains("more than 16 segments"), "depth is reported first: " + e.getMessage());
    }

    @Test
    void generatedKeysAgreeWithTheDefinition() {
        Random random = new Random(7);
        String alphabet = "aZ09_.@:+-/ é\t";
        for (int round = 0; round < 50_000; round++) {
            StringBuilder sb = new StringBuilder("/");
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String k = sb.toString();
            assertEquals(keyByDefinition(k), key(k), k);
            List<String> parts = new ArrayList<>(List.of(k.substring(1).split("/", -1)));
            for (String p : parts) {
                assertEquals(segmentByDefinition(p), Paths.isSegment(p), p);
            }
        }
    }
}
