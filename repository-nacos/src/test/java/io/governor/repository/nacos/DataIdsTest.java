package io.governor.repository.nacos;

import io.governor.api.repository.Paths;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataIdsTest {

    private static final List<String> KEYS = List.of("/a", "/AZaz09_.@:+-", "/x/_/__/_d/.d/@/+/:/-", "/a.b/c@d",
            "/config/databases/orders/datasources/primary", "/..a/a..", "/" + "s".repeat(Paths.MAX_SEGMENT_LENGTH));

    @Test
    void valueDataIdsRoundTripAndUseOnlyCharactersNacosAccepts() {
        for (String key : KEYS) {
            String id = new DataIds("").value(key);
            assertTrue(DataIds.isValidNacosName(id), id);
            assertEquals(key, decode(id), id);
        }
        assertEquals("shop.config.databases.orders", new DataIds("shop").value("/config/databases/orders"));
        assertEquals("a_db.c_ad", new DataIds("").value("/a.b/c@d"));
    }

    @Test
    void valueAndIndexDataIdsNeverCollideAcrossKeysAndNamespaces() {
        Set<String> seen = new HashSet<>();
        for (String ns : List.of("", "shop", "shop.x", "a_d")) {
            DataIds ids = new DataIds(ns);
            assertTrue(seen.add(ns + "|" + ids.index("/")), "root index of " + ns);
            for (String key : KEYS) {
                assertTrue(seen.add(ns + "|" + ids.value(key)), key);
                assertTrue(seen.add(ns + "|" + ids.index(key)), key);
                assertFalse(ids.value(key).endsWith("._i"), key);
            }
        }
        assertEquals("_i", new DataIds("").index("/"));
        assertEquals("shop._i", new DataIds("shop").index("/"));
        assertEquals("shop.a._i", new DataIds("shop").index("/a"));
    }

    @Test
    void dataIdLongerThanTheServerColumnIsHashedToFit() {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < Paths.MAX_DEPTH; i++) {
            key.append('/').append("x".repeat(Paths.MAX_SEGMENT_LENGTH - 1)).append(i % 10);
        }
        DataIds ids = new DataIds("ns");
        String value = ids.value(key.toString());
        String index = ids.index(key.toString());
        assertTrue(value.length() <= DataIds.MAX_LENGTH && index.length() <= DataIds.MAX_LENGTH);
        assertTrue(DataIds.isValidNacosName(value) && DataIds.isValidNacosName(index));
        assertFalse(value.equals(index));
        String sibling = key.substring(0, key.length() - 1) + "y";
        assertFalse(value.equals(ids.value(sibling)), "keys that share the first 180 characters stay apart");
    }

    /** The path an unhashed value dataId encodes, or null if it encodes none: the inverse of {@link DataIds#value}. */
    private static String decode(String dataId) {
        StringBuilder sb = new StringBuilder("/");
        for (int i = 0; i < dataId.length(); i++) {
            char c = dataId.charAt(i);
            if (c == '.') {
                sb.append('/');
            } else if (c == '_') {
                if (++i >= dataId.length()) {
                    return null;
                }
                switch (dataId.charAt(i)) {
                    case '_' -> sb.append('_');
                    case 'd' -> sb.append('.');
                    case 'a' -> sb.append('@');
                    case 'p' -> sb.append('+');
                    default -> {
                        return null;
                    }
                }
            } else {
                sb.append(c);
            }
        }
        String path = sb.toString();
        return Paths.isKey(path) ? path : null;
    }
}
