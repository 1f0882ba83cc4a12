package io.governor.repository.nacos;

import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.support.Digests;
import io.governor.api.repository.support.VersionedText;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The content a value is stored as in Nacos ({@link VersionedText}) and the MD5 compare-and-set compares. */
class StoredContentTest {

    @Test
    void valuesRoundTripWithVersionAndStoredContentIsNeverBlank() {
        for (String value : List.of("", " ", "\n", "a\r\nb", "# governor-version: 3\nnested", "nul\u0000")) {
            String stored = VersionedText.encode(value, 42);
            assertFalse(stored.isBlank());
            assertEquals(new VersionedValue(value, 42), VersionedText.decode(stored));
        }
    }

    @Test
    void contentWithoutHeaderIsVersionZero() {
        assertEquals(new VersionedValue("edited by hand", 0), VersionedText.decode("edited by hand"));
        assertEquals(new VersionedValue("# governor-version: x\ny", 0), VersionedText.decode("# governor-version: x\ny"));
    }

    @Test
    void md5MatchesWhatNacosComputes() {
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", Digests.md5(""));
        assertEquals(com.alibaba.nacos.common.utils.MD5Utils.md5Hex("h\u00e9llo", "UTF-8"), Digests.md5("h\u00e9llo"));
    }
}
