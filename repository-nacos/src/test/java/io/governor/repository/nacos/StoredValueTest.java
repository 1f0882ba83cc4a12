package io.governor.repository.nacos;

import io.governor.api.repository.VersionedValue;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StoredValueTest {

    @Test
    void valuesRoundTripWithVersionAndStoredContentIsNeverBlank() {
        for (String value : List.of("", " ", "\n", "a\r\nb", "# governor-version: 3\nnested", "nul\u0000")) {
            String stored = StoredValue.encode(value, 42);
            assertFalse(stored.isBlank());
            assertEquals(new VersionedValue(value, 42), StoredValue.decode(stored));
        }
    }

    @Test
    void contentWithoutHeaderIsVersionZero() {
        assertEquals(new VersionedValue("edited by hand", 0), StoredValue.decode("edited by hand"));
        assertEquals(new VersionedValue("# governor-version: x\ny", 0), StoredValue.decode("# governor-version: x\ny"));
    }

    @Test
    void md5MatchesWhatNacosComputes() {
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", StoredValue.ABSENT_MD5);
        assertEquals(com.alibaba.nacos.common.utils.MD5Utils.md5Hex("h\u00e9llo", "UTF-8"), StoredValue.md5("h\u00e9llo"));
    }
}
