package io.governor.repository.apollo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Release names fit Apollo's 64-character column (65 fails the release with HTTP 500). */
class ReleaseNameTest {

    @Test
    void shortNamesAreKeptAndLongOnesCutWithAHashOfTheWhole() {
        assertEquals("governor put /a", PortalClient.bounded("governor put /a", PortalClient.MAX_RELEASE_NAME));
        String exact = "x".repeat(64);
        assertEquals(exact, PortalClient.bounded(exact, 64));

        String a = "governor put /" + "k".repeat(100) + "/a";
        String b = "governor put /" + "k".repeat(100) + "/b";
        String cutA = PortalClient.bounded(a, 64);
        assertEquals(64, cutA.length());
        assertTrue(cutA.startsWith("governor put /kkk") && cutA.charAt(55) == '~', cutA);
        assertNotEquals(cutA, PortalClient.bounded(b, 64), "names that differ only at the end stay apart");
    }
}
