package io.governor.repository.apollo;

import io.governor.api.repository.Paths;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ItemKeysTest {

    private static final String EVERY_CHARACTER = "AZaz09_.@:+-";

    @Test
    void everyLegalKeyRoundTripsWithAndWithoutNamespace() {
        String[] samples = {"/a", "/" + EVERY_CHARACTER, "/x/" + EVERY_CHARACTER + "/..a/a..", "/" + "s".repeat(Paths.MAX_SEGMENT_LENGTH),
                "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", "/config/databases/orders/datasources/primary", "/a.b/-/+/@/:"};
        for (String namespace : new String[] {"", "orders", "a.b-c:d@e+f"}) {
            ItemKeys keys = new ItemKeys(namespace);
            for (String key : samples) {
                Paths.requireKey(key);
                assertEquals(Optional.of(key), keys.toKey(keys.toItemKey(key)), namespace + " " + key);
            }
        }
    }

    @Test
    void itemKeyIsTheKeyBelowTheNamespace() {
        assertEquals("/orders/config/props", new ItemKeys("orders").toItemKey("/config/props"));
        assertEquals("/config/props", new ItemKeys("").toItemKey("/config/props"));
    }

    @Test
    void itemsOfOtherNamespacesAndNonPathItemsAreNotThisRepositorys() {
        ItemKeys keys = new ItemKeys("orders");
        assertEquals(Optional.empty(), keys.toKey("/orders-2/config"), "sibling namespace");
        assertEquals(Optional.empty(), keys.toKey("/orders"), "the namespace itself holds no key");
        assertEquals(Optional.empty(), keys.toKey("timeout"));
        assertEquals(Optional.empty(), new ItemKeys("").toKey("timeout"));
        assertEquals(Optional.empty(), new ItemKeys("").toKey("/a//b"));
        assertEquals(Optional.empty(), new ItemKeys("").toKey("/a b"));
        assertEquals(Optional.empty(), new ItemKeys("").toKey("/a/../b"));
    }
}
