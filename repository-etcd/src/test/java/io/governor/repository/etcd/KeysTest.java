package io.governor.repository.etcd;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KeysTest {

    private static String text(io.etcd.jetcd.ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pathsLiveUnderTheNamespacePrefix() {
        Keys keys = new Keys("app");
        assertEquals("/app/a/b", text(keys.key("/a/b")));
        assertEquals("/a/b", text(new Keys("").key("/a/b")));
        assertEquals("/a/b", keys.path(Keys.bytes("/app/a/b")));
    }

    @Test
    void keysOutsideTheNamespaceOrGrammarAreNotPaths() {
        Keys keys = new Keys("app");
        assertNull(keys.path(Keys.bytes("/app-other/a")), "a namespace sharing the prefix");
        assertNull(keys.path(Keys.bytes("/other/a")));
        assertNull(keys.path(Keys.bytes("/app")), "the namespace itself");
        assertNull(keys.path(Keys.bytes("/app/a//b")));
    }

    @Test
    void rangesCoverTheSubtreeAndTheDescendants() {
        Keys keys = new Keys("app");
        assertEquals("/app/a", text(keys.subtreeStart("/a")));
        assertEquals("/app/a0", text(keys.subtreeEnd("/a")));
        assertEquals("/app/a/", text(keys.descendantsStart("/a")));
        assertEquals("/app/", text(keys.subtreeStart("/")));
        assertEquals("/app0", text(keys.subtreeEnd("/")));
    }

    @Test
    void childNamesAreTheNextSegmentBelowTheParent() {
        Keys keys = new Keys("app");
        assertEquals("b", keys.childName("/a", Keys.bytes("/app/a/b/c/d")));
        assertEquals("b", keys.childName("/a", Keys.bytes("/app/a/b")));
        assertEquals("a", keys.childName("/", Keys.bytes("/app/a/b")));
        assertNull(keys.childName("/a", Keys.bytes("/app/a")), "the parent itself");
        assertNull(keys.childName("/a", Keys.bytes("/app/a-b/c")), "a sibling inside the range");
    }
}
