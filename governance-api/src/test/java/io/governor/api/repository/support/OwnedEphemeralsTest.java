package io.governor.api.repository.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Owned ephemerals: latest values written again after a loss; deleted or persistent keys are not. */
class OwnedEphemeralsTest {

    private final OwnedEphemerals owned = new OwnedEphemerals("test");
    private final Map<String, String> server = new LinkedHashMap<>();

    private void put(String key, String value) {
        owned.put(key, value, server::put, e -> false);
    }

    @Test
    void restoreWritesTheLatestValueOfEveryOwnedKey() {
        put("/a/1", "x");
        put("/a/1", "y");
        put("/b", "z");
        server.clear(); // the session is gone

        assertEquals(2, owned.restoreAll(server::put, e -> false));
        assertEquals(Map.of("/a/1", "y", "/b", "z"), server);
    }

    @Test
    void forgottenAndDisownedKeysAreNotRestored() {
        put("/a/1", "x");
        put("/a/2", "x");
        put("/ab", "x");
        put("/c", "x");
        owned.forget("/a", () -> server.keySet().removeIf(k -> k.startsWith("/a/")));
        owned.disown("/c");
        assertEquals(List.of("/ab"), owned.keys());
    }

    @Test
    void aFailedWriteKeepsTheNewValueOnlyWhenTheCallerSaysSo() {
        put("/a", "old");
        Exception refused = new IOException("refused");
        assertThrows(IOException.class, () -> owned.put("/a", "new", (k, v) -> { throw (IOException) refused; }, e -> false));
        assertThrows(IOException.class, () -> owned.put("/b", "new", (k, v) -> { throw (IOException) refused; }, e -> false));
        owned.restoreAll(server::put, e -> false);
        assertEquals(Map.of("/a", "old"), server);

        assertThrows(IOException.class, () -> owned.put("/a", "new", (k, v) -> { throw (IOException) refused; }, e -> true));
        owned.restoreAll(server::put, e -> false);
        assertEquals(Map.of("/a", "new"), server);
    }

    @Test
    void restoreSkipsWhatTheCallerAcceptsAndStopsOnAnythingElse() throws IOException {
        put("/a", "1");
        put("/b", "2");
        server.clear();
        OwnedEphemerals.Writer<IOException> failsOnA = (k, v) -> {
            if (k.equals("/a")) {
                throw new IOException("acl");
            }
            server.put(k, v);
        };
        assertEquals(2, owned.restoreAll(failsOnA, e -> true));
        assertEquals(Map.of("/b", "2"), server);
        server.clear();
        assertThrows(IOException.class, () -> owned.restoreAll(failsOnA, e -> false));
        assertEquals(Map.of(), server);
    }
}
