package io.governor.api.repository.support;

import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VersionedTextTest {

    @Test
    void valuesRoundTripWithTheirVersionIncludingEmptyAndMultiline() {
        for (String value : new String[] {"", " ", "a\nb\r\n", "# governor-version: 9\nlooks like a header", "# governor-key: /x\nv", "nul\u0000"}) {
            assertEquals(new VersionedValue(value, 7), VersionedText.decode(VersionedText.encode(value, 7, null)));
            assertEquals(new VersionedValue(value, 7), VersionedText.decode(VersionedText.encode(value, 7, "/ns/k")));
        }
    }

    @Test
    void recordedItemKeyIsReadBack() {
        assertEquals("/ns/long", VersionedText.fullKey(VersionedText.encode("v", 1, "/ns/long")));
        assertNull(VersionedText.fullKey(VersionedText.encode("1 key: /x\n", 1, null)));
    }

    @Test
    void textWithoutHeaderIsVersionZero() {
        assertEquals(new VersionedValue("written by hand", 0), VersionedText.decode("written by hand"));
    }
}
