package io.governor.repository.apollo;

import io.governor.api.repository.Paths;
import io.governor.api.repository.support.VersionedText;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemKeysTest {

    private static final String EVERY_CHARACTER = "AZaz09_.@:+-";

    @Test
    void everyLegalKeyRoundTripsWithAndWithoutNamespace() {
        String[] samples = {"/a", "/" + EVERY_CHARACTER, "/x/" + EVERY_CHARACTER + "/..a/a..", "/" + "s".repeat(Paths.MAX_SEGMENT_LENGTH),
                "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", "/config/databases/orders/datasources/primary", "/a.b/-/+/@/:"};
        for (String namespace : new String[] {"", "orders", "a.b-c:d@e+f"}) {
            ItemKeys keys = new ItemKeys(namespace, 128);
            for (String key : samples) {
                Paths.requireKey(key);
                String itemKey = keys.toItemKey(key);
                String stored = VersionedText.encode("v", 1, keys.hashed(key) ? keys.fullItemKey(key) : null);
                assertEquals(Optional.of(key), keys.toKey(itemKey, stored), namespace + " " + key);
                assertTrue(itemKey.length() <= 128, itemKey);
            }
        }
    }

    @Test
    void itemKeyIsTheKeyBelowTheNamespace() {
        assertEquals("/orders/config/props", new ItemKeys("orders", 128).toItemKey("/config/props"));
        assertEquals("/config/props", new ItemKeys("", 128).toItemKey("/config/props"));
    }

    @Test
    void itemsOfOtherNamespacesAndNonPathItemsAreNotThisRepositorys() {
        ItemKeys keys = new ItemKeys("orders", 128);
        ItemKeys root = new ItemKeys("", 128);
        assertEquals(Optional.empty(), keys.toKey("/orders-2/config", "v"), "sibling namespace");
        assertEquals(Optional.empty(), keys.toKey("/orders", "v"), "the namespace itself holds no key");
        assertEquals(Optional.empty(), keys.toKey("timeout", "100"));
        assertEquals(Optional.empty(), root.toKey("timeout", "100"));
        assertEquals(Optional.empty(), root.toKey("/a//b", "v"));
        assertEquals(Optional.empty(), root.toKey("/a b", "v"));
        assertEquals(Optional.empty(), root.toKey("/a/../b", "v"));
    }

    @Test
    void hashedItemKeyResolvesOnlyThroughTheMatchingRecordedKey() {
        ItemKeys keys = new ItemKeys("orders", 128);
        String key = "/" + "k".repeat(128);
        String itemKey = keys.toItemKey(key);
        assertTrue(itemKey.startsWith(ItemKeys.HASHED) && itemKey.length() == 65, itemKey);
        assertEquals(Optional.empty(), keys.toKey(itemKey, "no header"));
        assertEquals(Optional.empty(), keys.toKey(itemKey, VersionedText.encode("v", 1, "/orders/other")),
                "a recorded key that does not hash to the item key is refused");
        assertEquals(Optional.of(key), keys.toKey(itemKey, VersionedText.encode("v", 1, keys.fullItemKey(key))));
    }
}
